package io.courant.stream;

import io.courant.log.Header;
import java.util.List;
import java.util.Objects;

/**
 * A record to produce through a {@link Producer} stage, with a key and value that the settings'
 * serializers turn into bytes (the stream-side twin of {@link io.courant.client.ProducerRecord}).
 *
 * <pre>{@code
 * new ProducerRecord<>("orders", "order-17", order)       // partition by key (Kafka's murmur2)
 * ProducerRecord.of("orders", order).withPartition(3)      // no key, partition 3
 * }</pre>
 *
 * @param topic the topic
 * @param partition the partition, or null to choose it from the key (or sticky, without a key)
 * @param timestamp ms since the epoch, or null for the time of sending
 * @param key the key, or null
 * @param value the value, or null (a tombstone)
 * @param headers the headers
 * @param <K> the key type
 * @param <V> the value type
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestamp, K key, V value, List<Header> headers) {
  public ProducerRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, not " + partition);
    }
    if (timestamp != null && timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0 (ms since the epoch), not " + timestamp);
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** A keyed record. */
  public ProducerRecord(String topic, K key, V value) {
    this(topic, null, null, key, value, List.of());
  }

  /** A record without a key. */
  public static <K, V> ProducerRecord<K, V> of(String topic, V value) {
    return new ProducerRecord<>(topic, null, value);
  }

  /** This record sent to a given partition. */
  public ProducerRecord<K, V> withPartition(int partition) {
    return new ProducerRecord<>(topic, partition, timestamp, key, value, headers);
  }

  /** This record with a given timestamp. */
  public ProducerRecord<K, V> withTimestamp(long timestamp) {
    return new ProducerRecord<>(topic, partition, timestamp, key, value, headers);
  }

  /** This record with headers. */
  public ProducerRecord<K, V> withHeaders(List<Header> headers) {
    return new ProducerRecord<>(topic, partition, timestamp, key, value, headers);
  }
}
