package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.KeyValue;
import io.courant.stream.dsl.KeyValueStore;
import io.courant.stream.dsl.Merger;
import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.Record;
import io.courant.stream.dsl.SessionStore;
import io.courant.stream.dsl.SessionWindows;
import io.courant.stream.dsl.SlidingWindows;
import io.courant.stream.dsl.TimeWindows;
import io.courant.stream.dsl.Window;
import io.courant.stream.dsl.WindowStore;
import io.courant.stream.dsl.Windowed;
import java.util.List;
import java.util.TreeSet;

/** The processors of aggregations: per key, per time window, per sliding window, per session. */
public final class Aggregations {
  private Aggregations() {}

  /** Per key; records without key or value are dropped (counted), as in Kafka Streams. */
  public static <K, V, VA> ProcessorSupplier<K, V, K, Change<VA>> perKey(String store, AggFn<K, V, VA> fn) {
    return Lambda.keyed((r, c) -> {
      KeyValueStore<K, VA> s = c.getStateStore(store);
      VA old = s.get(r.key());
      VA agg = fn.apply(r.key(), r.value(), old);
      s.put(r.key(), agg);
      c.forward(r.withValue(new Change<>(agg, old)));
    });
  }

  /**
   * {@code KTable.groupBy}'s selector: each table update becomes a subtraction of the old value
   * from its old group and an addition of the new value to its new group — one record when both
   * land in the same group (Kafka Streams' {@code KTableRepartitionMap}). Pairs with a null key or
   * value are skipped; a table row without a key cannot exist.
   */
  public static <K, V, KR, VR> ProcessorSupplier<K, Change<V>, KR, Change<VR>> tableSelect(
      io.courant.stream.dsl.KeyValueMapper<? super K, ? super V, KeyValue<KR, VR>> selector) {
    return Lambda.processor((r, c) -> {
      if (r.key() == null) {
        c.dropped(false);
        return;
      }
      KeyValue<KR, VR> n = r.value().newValue() == null ? null : selector.apply(r.key(), r.value().newValue());
      KeyValue<KR, VR> o = r.value().oldValue() == null ? null : selector.apply(r.key(), r.value().oldValue());
      boolean hasNew = n != null && n.key() != null && n.value() != null;
      boolean hasOld = o != null && o.key() != null && o.value() != null;
      if (hasNew && hasOld && n.key().equals(o.key())) {
        c.forward(new Record<>(n.key(), new Change<>(n.value(), o.value()), r.timestamp(), r.headers()));
        return;
      }
      if (hasOld) {
        c.forward(new Record<>(o.key(), new Change<VR>(null, o.value()), r.timestamp(), r.headers()));
      }
      if (hasNew) {
        c.forward(new Record<>(n.key(), new Change<VR>(n.value(), null), r.timestamp(), r.headers()));
      }
    });
  }

  /**
   * Table re-aggregation ({@code KGroupedTable}): the old value is subtracted from the aggregate
   * (if there is one), then the new value added; the store and the output carry the result.
   * {@code adder} sees a null aggregate for a group's first value.
   */
  public static <K, V, VA> ProcessorSupplier<K, Change<V>, K, Change<VA>> tableAggregate(String store, AggFn<K, V, VA> adder,
      AggFn<K, V, VA> subtractor) {
    return Lambda.processor((r, c) -> {
      if (r.key() == null || r.value() == null) {
        c.dropped(false);
        return;
      }
      KeyValueStore<K, VA> s = c.getStateStore(store);
      VA old = s.get(r.key());
      VA agg = old;
      if (r.value().oldValue() != null && agg != null) {
        agg = subtractor.apply(r.key(), r.value().oldValue(), agg);
      }
      if (r.value().newValue() != null) {
        agg = adder.apply(r.key(), r.value().newValue(), agg);
      }
      s.put(r.key(), agg);
      c.forward(r.withValue(new Change<>(agg, old)));
    });
  }

  /** Per fixed window; a record whose windows have all closed is dropped and counted as late. */
  public static <K, V, VA> ProcessorSupplier<K, V, Windowed<K>, Change<VA>> timeWindowed(String store, TimeWindows windows,
      AggFn<K, V, VA> fn) {
    WindowInfo info = new WindowInfo(windows.graceMs(), false, null);
    return Lambda.keyed((r, c) -> {
      WindowStore<K, VA> s = c.getStateStore(store);
      boolean late = false;
      for (long start : windows.windowStartsFor(r.timestamp())) {
        long end = start + windows.sizeMs();
        if (info.closed(end, c.currentStreamTimeMs())) {
          late = true;
          continue;
        }
        VA old = s.fetch(r.key(), start);
        VA agg = fn.apply(r.key(), r.value(), old);
        s.put(r.key(), agg, start);
        c.forward(new Record<>(new Windowed<>(r.key(), new Window(start, end)), new Change<>(agg, old), r.timestamp(), r.headers()));
      }
      if (late) {
        c.dropped(true);
      }
    });
  }

  /**
   * Sliding windows, recomputed from the raw records they hold: the window ending at the record,
   * the one starting just after it, and every existing window the record falls into.
   */
  public static <K, V, VA> ProcessorSupplier<K, V, Windowed<K>, Change<VA>> sliding(String store, String rawStore, SlidingWindows windows,
      AggFn<K, V, VA> fn) {
    return sliding(store, rawStore, windows, v -> v, fn);
  }

  /**
   * {@link #sliding(String, String, SlidingWindows, AggFn)} whose raw store keeps each value as
   * {@code raw} makes it (a cogroup tags each value with the input it came from).
   */
  public static <K, V, R, VA> ProcessorSupplier<K, V, Windowed<K>, Change<VA>> sliding(String store, String rawStore, SlidingWindows windows,
      java.util.function.Function<V, R> wrap, AggFn<K, R, VA> fn) {
    long d = windows.timeDifferenceMs();
    WindowInfo info = new WindowInfo(windows.graceMs(), true, null);
    return Lambda.keyed((r, c) -> {
      long ts = r.timestamp();
      long now = c.currentStreamTimeMs();
      if (info.closed(ts, now)) {
        c.dropped(true);
        return;
      }
      WindowStore<K, VA> aggs = c.getStateStore(store);
      @SuppressWarnings("unchecked")
      MemoryStore.Windows<K, R> raw = (MemoryStore.Windows<K, R>) (Object) c.getStateStore(rawStore);
      raw.put(r.key(), wrap.apply(r.value()), ts);
      TreeSet<Long> starts = new TreeSet<>();
      starts.add(Math.max(0, ts - d));
      for (KeyValue<Long, R> later : raw.fetch(r.key(), ts + 1, ts + d)) {
        starts.add(later.key() - d);
        starts.add(ts + 1);
      }
      for (KeyValue<Long, R> earlier : raw.fetch(r.key(), ts - d - 1, ts - 1)) {
        starts.add(earlier.key() + 1);
      }
      for (long start : starts) {
        if (start < 0 || info.closed(start + d, now)) {
          continue;
        }
        List<KeyValue<Long, R>> content = raw.fetch(r.key(), start, start + d);
        if (content.isEmpty()) {
          continue;
        }
        VA agg = null;
        for (KeyValue<Long, R> e : content) {
          agg = fn.apply(r.key(), e.value(), agg);
        }
        VA old = aggs.fetch(r.key(), start);
        aggs.put(r.key(), agg, start);
        c.forward(new Record<>(new Windowed<>(r.key(), new Window(start, start + d)), new Change<>(agg, old), r.timestamp(), r.headers()));
      }
    });
  }

  /** Sessions: the record's session is merged with every session within the inactivity gap. */
  public static <K, V, VA> ProcessorSupplier<K, V, Windowed<K>, Change<VA>> session(String store, SessionWindows windows,
      AggFn<K, V, VA> fn, Merger<? super K, VA> merger) {
    WindowInfo info = new WindowInfo(windows.graceMs(), true, null);
    return Lambda.keyed((r, c) -> {
      long ts = r.timestamp();
      SessionStore<K, VA> s = c.getStateStore(store);
      List<KeyValue<Windowed<K>, VA>> overlapping = s.findSessions(r.key(), ts - windows.inactivityGapMs(), ts + windows.inactivityGapMs());
      long start = ts;
      long end = ts;
      VA merged = null;
      for (KeyValue<Windowed<K>, VA> e : overlapping) {
        start = Math.min(start, e.key().window().start());
        end = Math.max(end, e.key().window().end());
        merged = merged == null ? e.value() : merger.apply(r.key(), merged, e.value());
      }
      if (info.closed(end, c.currentStreamTimeMs())) {
        c.dropped(true);
        return;
      }
      VA agg = fn.apply(r.key(), r.value(), merged);
      Window w = new Window(start, end);
      VA oldSame = null;
      for (KeyValue<Windowed<K>, VA> e : overlapping) {
        if (e.key().window().equals(w)) {
          oldSame = e.value();
          continue;
        }
        s.remove(e.key());
        c.forward(new Record<>(e.key(), new Change<VA>(null, e.value()), r.timestamp(), r.headers()));
      }
      s.put(new Windowed<>(r.key(), w), agg);
      c.forward(new Record<>(new Windowed<>(r.key(), w), new Change<>(agg, oldSame), r.timestamp(), r.headers()));
    });
  }
}
