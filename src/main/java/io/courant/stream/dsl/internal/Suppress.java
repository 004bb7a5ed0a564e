package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.KeyValue;
import io.courant.stream.dsl.KeyValueStore;
import io.courant.stream.dsl.Processor;
import io.courant.stream.dsl.ProcessorContext;
import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.PunctuationType;
import io.courant.stream.dsl.Record;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.Windowed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code suppress(untilWindowCloses)}: a buffer of each window's latest value, emitted once the window closed. */
public final class Suppress {
  private Suppress() {}

  public static Serde<?> bufferKeySerde(WindowInfo info) {
    return new DeferredWindowedSerde(info.innerKeySerde());
  }

  public static <K, V> ProcessorSupplier<Windowed<K>, Change<V>, Windowed<K>, Change<V>> untilWindowCloses(String store, WindowInfo info) {
    return () -> new Processor<>() {
      private ProcessorContext<Windowed<K>, Change<V>> context;
      private KeyValueStore<Windowed<K>, V> buffer;
      private long minEnd = Long.MIN_VALUE; // unknown: scan

      @Override
      public void init(ProcessorContext<Windowed<K>, Change<V>> context) {
        this.context = context;
        this.buffer = context.getStateStore(store);
        // stream time can move on records that never reach this node (late, filtered): check on every advance
        context.schedule(Duration.ofMillis(1), PunctuationType.STREAM_TIME, t -> emitClosed());
      }

      @Override
      public void process(Record<Windowed<K>, Change<V>> record) {
        long end = record.key().window().end();
        if (record.value().newValue() == null) {
          buffer.delete(record.key());
        } else {
          buffer.put(record.key(), record.value().newValue());
          minEnd = minEnd == Long.MIN_VALUE ? Long.MIN_VALUE : Math.min(minEnd, end);
        }
        emitClosed();
      }

      private void emitClosed() {
        long now = context.currentStreamTimeMs();
        if (minEnd != Long.MIN_VALUE && !info.closed(minEnd, now)) {
          return;
        }
        List<KeyValue<Windowed<K>, V>> closed = new ArrayList<>();
        long nextMin = Long.MAX_VALUE;
        for (KeyValue<Windowed<K>, V> e : buffer.all()) {
          long end = e.key().window().end();
          if (info.closed(end, now)) {
            closed.add(e);
          } else {
            nextMin = Math.min(nextMin, end);
          }
        }
        closed.sort(Comparator.comparingLong((KeyValue<Windowed<K>, V> e) -> e.key().window().end())
            .thenComparingLong(e -> e.key().window().start()));
        for (KeyValue<Windowed<K>, V> e : closed) {
          buffer.delete(e.key());
          context.forward(new Record<>(e.key(), new Change<>(e.value(), null), Math.max(0, now)));
        }
        minEnd = nextMin;
      }
    };
  }
}
