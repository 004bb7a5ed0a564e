package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Processor;
import io.courant.stream.dsl.ProcessorContext;
import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.Record;

/** Processors written as one lambda: the record and the context. */
public final class Lambda {
  private Lambda() {}

  /** What a stateless node does with one record. */
  @FunctionalInterface
  public interface Body<KIn, VIn, KOut, VOut> {
    void process(Record<KIn, VIn> record, StreamTask.Context context);
  }

  /** A processor that drops (and counts) records without a key or value, as Kafka Streams' aggregations and joins do. */
  public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> keyed(Body<KIn, VIn, KOut, VOut> body) {
    return processor((r, c) -> {
      if (r.key() == null || r.value() == null) {
        c.dropped(false);
      } else {
        body.process(r, c);
      }
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> processor(Body<KIn, VIn, KOut, VOut> body) {
    return () -> new Processor<>() {
      private StreamTask.Context context;

      @Override
      public void init(ProcessorContext<KOut, VOut> context) {
        this.context = (StreamTask.Context) (ProcessorContext) context;
      }

      @Override
      public void process(Record<KIn, VIn> record) {
        body.process(record, context);
      }
    };
  }
}
