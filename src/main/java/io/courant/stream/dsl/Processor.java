package io.courant.stream.dsl;

/**
 * Custom per-record logic for {@link KStream#process}, with Kafka Streams' processor-API shape:
 * {@code init} once per task (read stores, schedule punctuations), {@code process} per record
 * (forward results with {@link ProcessorContext#forward}), {@code close} when the task closes.
 * One instance runs one task (one input partition), always on one thread at a time.
 *
 * <pre>{@code
 * stream.process(() -> new Processor<String, String, String, Long>() {
 *   private ProcessorContext<String, Long> context;
 *   private KeyValueStore<String, Long> seen;
 *   public void init(ProcessorContext<String, Long> context) {
 *     this.context = context;
 *     this.seen = context.getStateStore("seen");
 *   }
 *   public void process(Record<String, String> record) {
 *     long n = seen.get(record.key()) == null ? 1 : seen.get(record.key()) + 1;
 *     seen.put(record.key(), n);
 *     context.forward(record.withValue(n));
 *   }
 * }, "seen");
 * }</pre>
 *
 * @param <KIn> the input key type
 * @param <VIn> the input value type
 * @param <KOut> the output key type
 * @param <VOut> the output value type
 */
public interface Processor<KIn, VIn, KOut, VOut> {
  /**
   * Called once before the first record of a task.
   *
   * @param context the task's context: stores, forwarding, punctuations
   */
  default void init(ProcessorContext<KOut, VOut> context) {}

  /**
   * Called for each record.
   *
   * @param record the input record
   */
  void process(Record<KIn, VIn> record);

  /**
   * Called when the task closes (its partition revoked, or the application closed).
   */
  default void close() {}
}
