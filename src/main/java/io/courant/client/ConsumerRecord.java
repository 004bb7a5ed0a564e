package io.courant.client;

import io.courant.log.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A record read from a partition.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset
 * @param timestamp ms since the epoch
 * @param key the key bytes, or null
 * @param value the value bytes, or null for a tombstone
 * @param headers the headers
 */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
    List<Header> headers) {

  /** The key as UTF-8 text, or null. */
  public String keyString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The value as UTF-8 text, or null. */
  public String valueString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
