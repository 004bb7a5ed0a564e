package io.courant.stream;

import io.courant.client.TopicPartition;
import io.courant.log.Header;
import java.util.List;

/**
 * A record read by a {@link Consumer} source, its key and value deserialized (the stream-side twin
 * of {@link io.courant.client.ConsumerRecord}).
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset
 * @param timestamp ms since the epoch
 * @param key the key, or null
 * @param value the value, or null for a tombstone
 * @param headers the headers
 * @param <K> the key type
 * @param <V> the value type
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value, List<Header> headers) {
  /** The record's partition. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
