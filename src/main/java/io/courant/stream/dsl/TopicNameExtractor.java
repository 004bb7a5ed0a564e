package io.courant.stream.dsl;

/**
 * Chooses the topic of each record written by {@link KStream#to(TopicNameExtractor, Produced)}.
 *
 * <pre>{@code
 * events.to((key, event, ctx) -> "events-" + event.type());
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface TopicNameExtractor<K, V> {
  /**
   * Chooses one record's topic.
   *
   * @param key the record's key
   * @param value the record's value
   * @param recordContext the topic, partition, offset, timestamp and headers of the input record
   * @return the topic to write this record to (it must exist)
   */
  String extract(K key, V value, RecordContext recordContext);
}
