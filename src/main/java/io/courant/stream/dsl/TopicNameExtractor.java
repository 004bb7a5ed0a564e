package io.courant.stream.dsl;

/**
 * Chooses the topic of each record written by {@link KStream#to(TopicNameExtractor, Produced)}.
 *
 * @see KStream
 */
@FunctionalInterface
public interface TopicNameExtractor<K, V> {
  /** @return the topic to write this record to (it must exist) */
  String extract(K key, V value, RecordContext recordContext);
}
