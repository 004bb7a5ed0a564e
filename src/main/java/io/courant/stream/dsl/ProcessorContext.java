package io.courant.stream.dsl;

import java.time.Duration;

/**
 * What a {@link Processor} can do besides receiving records: forward records downstream, reach the
 * state stores it was connected to, schedule punctuations, read the current record's origin and
 * the task's stream time.
 *
 * <pre>{@code
 * public void init(ProcessorContext<String, Long> context) {
 *   this.context = context;
 *   this.counts = context.getStateStore("counts");
 *   context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, t -> context.forward(new Record<>("tick", t, t)));
 * }
 * }</pre>
 *
 * @param <KForward> the key type it forwards
 * @param <VForward> the value type it forwards
 */
public interface ProcessorContext<KForward, VForward> {
  /**
   * The application id ({@code application.id}).
   *
   * @return the application id
   */
  String applicationId();

  /**
   * The task, as Kafka names it: {@code <sub-topology>_<partition>}.
   *
   * @return the task id
   */
  String taskId();

  /**
   * The input topic, partition and offset of the record being processed (offset -1 in a punctuation).
   *
   * @return the current record's metadata
   */
  RecordContext recordMetadata();

  /**
   * A state store connected to this processor ({@link KStream#process(ProcessorSupplier,
   * String...)}) or a global store.
   *
   * @throws IllegalArgumentException if no such store is connected to this processor
   */
  /**
   * A store connected to this processor (named in {@link KStream#process}), or a global table's store.
   *
   * @param name the store's name
   * @param <S> the store's type ({@link KeyValueStore}, {@link WindowStore}, {@link SessionStore})
   * @return the store
   * @throws IllegalArgumentException if the processor has no access to a store of that name
   */
  <S extends StateStore> S getStateStore(String name);

  /**
   * Forwards a record to every child.
   *
   * @param record the record to forward (key, value, timestamp, headers)
   * @param <K> the key type
   * @param <V> the value type
   */
  <K extends KForward, V extends VForward> void forward(Record<K, V> record);

  /**
   * Forwards a record to one child, by node name.
   *
   * @param record the record to forward (key, value, timestamp, headers)
   * @param childName the child node's name
   * @param <K> the key type
   * @param <V> the value type
   */
  <K extends KForward, V extends VForward> void forward(Record<K, V> record, String childName);

  /**
   * Calls {@code callback} every {@code interval} of stream or wall-clock time.
   *
   * @param interval how often
   * @param type stream time or wall-clock time
   * @param callback what to run
   * @return a handle to cancel the punctuation
   */
  Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback);

  /**
   * The highest record timestamp this task has seen, or -1.
   *
   * @return the stream time (epoch ms), or -1
   */
  long currentStreamTimeMs();

  /**
   * The wall-clock time (the test driver's mocked clock under {@link TopologyTestDriver}).
   *
   * @return the wall-clock time (epoch ms)
   */
  long currentSystemTimeMs();
}
