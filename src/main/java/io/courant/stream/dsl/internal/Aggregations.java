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
      MemoryStore.Windows<K, V> raw = (MemoryStore.Windows<K, V>) (Object) c.getStateStore(rawStore);
      raw.put(r.key(), r.value(), ts);
      TreeSet<Long> starts = new TreeSet<>();
      starts.add(Math.max(0, ts - d));
      for (KeyValue<Long, V> later : raw.fetch(r.key(), ts + 1, ts + d)) {
        starts.add(later.key() - d);
        starts.add(ts + 1);
      }
      for (KeyValue<Long, V> earlier : raw.fetch(r.key(), ts - d - 1, ts - 1)) {
        starts.add(earlier.key() + 1);
      }
      for (long start : starts) {
        if (start < 0 || info.closed(start + d, now)) {
          continue;
        }
        List<KeyValue<Long, V>> content = raw.fetch(r.key(), start, start + d);
        if (content.isEmpty()) {
          continue;
        }
        VA agg = null;
        for (KeyValue<Long, V> e : content) {
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
