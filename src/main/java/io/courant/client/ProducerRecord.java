package io.courant.client;

import io.courant.log.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A record to produce.
 *
 * <pre>{@code
 * Courant.get(system).send(ProducerRecord.of("orders", "order-17", "{\"qty\":3}"));
 * }</pre>
 *
 * @param topic the topic
 * @param partition the partition, or null to choose one from the key (Kafka's murmur2 hash), or
 *     sticky when the key is null
 * @param timestamp ms since the epoch, or null for now
 * @param key the key bytes, or null
 * @param value the value bytes, or null (a tombstone)
 * @param headers the headers
 */
public record ProducerRecord(String topic, Integer partition, Long timestamp, byte[] key, byte[] value, List<Header> headers) {
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

  /** A record with a key and value as bytes. */
  public static ProducerRecord of(String topic, byte[] key, byte[] value) {
    return new ProducerRecord(topic, null, null, key, value, List.of());
  }

  /** A record with a key and value as UTF-8 text. */
  public static ProducerRecord of(String topic, String key, String value) {
    return of(topic, utf8(key), utf8(value));
  }

  /** This record sent to a given partition. */
  public ProducerRecord withPartition(int partition) {
    return new ProducerRecord(topic, partition, timestamp, key, value, headers);
  }

  /** This record with a given timestamp. */
  public ProducerRecord withTimestamp(long timestamp) {
    return new ProducerRecord(topic, partition, timestamp, key, value, headers);
  }

  /** This record with headers. */
  public ProducerRecord withHeaders(List<Header> headers) {
    return new ProducerRecord(topic, partition, timestamp, key, value, headers);
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
