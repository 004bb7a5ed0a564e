package io.courant.stream.dsl;

/**
 * The event time of an input record ({@link Consumed#withTimestampExtractor}); the default uses the record's own timestamp.
 *
 * <pre>{@code
 * Consumed.<String, PageView>with(Serdes.String(), Serdes.Json(PageView.class))
 *     .withTimestampExtractor((record, partitionTime) -> ((PageView) record.value()).viewedAt());
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface TimestampExtractor {
  /**
   * @param record the record read (key and value deserialized)
   * @param partitionTime the highest timestamp seen so far on this partition, or -1
   * @return the record's event time in ms; a negative value drops the record (counted as dropped)
   */
  long extract(io.courant.stream.ConsumerRecord<Object, Object> record, long partitionTime);
}
