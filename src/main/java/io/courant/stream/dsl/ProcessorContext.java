package io.courant.stream.dsl;

import java.time.Duration;

/**
 * What a {@link Processor} can do besides receiving records: forward records downstream, reach the
 * state stores it was connected to, schedule punctuations, read the current record's origin and
 * the task's stream time.
 *
 * @param <KForward> the key type it forwards
 * @param <VForward> the value type it forwards
 */
public interface ProcessorContext<KForward, VForward> {
  /** The application id ({@code application.id}). */
  String applicationId();

  /** The task, as Kafka names it: {@code <sub-topology>_<partition>}. */
  String taskId();

  /** The input topic, partition and offset of the record being processed (offset -1 in a punctuation). */
  RecordContext recordMetadata();

  /**
   * A state store connected to this processor ({@link KStream#process(ProcessorSupplier,
   * String...)}) or a global store.
   *
   * @throws IllegalArgumentException if no such store is connected to this processor
   */
  <S extends StateStore> S getStateStore(String name);

  /** Forwards a record to every child. */
  <K extends KForward, V extends VForward> void forward(Record<K, V> record);

  /** Forwards a record to one child, by node name. */
  <K extends KForward, V extends VForward> void forward(Record<K, V> record, String childName);

  /** Calls {@code callback} every {@code interval} of stream or wall-clock time. */
  Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback);

  /** The highest record timestamp this task has seen, or -1. */
  long currentStreamTimeMs();

  /** The wall-clock time (the test driver's mocked clock under {@link TopologyTestDriver}). */
  long currentSystemTimeMs();
}
