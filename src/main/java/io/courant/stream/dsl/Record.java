package io.courant.stream.dsl;

import io.courant.log.Header;
import java.util.List;

/**
 * A record as a {@link Processor} sees and forwards it (Kafka Streams' processor API {@code Record}).
 * Immutable: {@code withKey}, {@code withValue}, {@code withTimestamp} return copies.
 *
 * <pre>{@code
 * context.forward(record.withValue(record.value().toUpperCase()));
 * context.forward(new Record<>("total", total, record.timestamp()));
 * }</pre>
 *
 * @param key the key, may be null
 * @param value the value, may be null
 * @param timestamp the event time (ms)
 * @param headers the headers
 * @param <K> the key type
 * @param <V> the value type
 */
public record Record<K, V>(K key, V value, long timestamp, List<Header> headers) {
  /**
   * Null headers become no headers.
   *
   * @param key the key, may be null
   * @param value the value, may be null
   * @param timestamp the event time (ms)
   * @param headers the headers
   */
  public Record {
    headers = headers == null ? List.of() : headers;
  }

  /**
   * A record without headers.
   *
   * @param key the key
   * @param value the value
   * @param timestamp the timestamp (epoch ms)
   */
  public Record(K key, V value, long timestamp) {
    this(key, value, timestamp, List.of());
  }

  /**
   * This record with another key.
   *
   * @param key the key
   * @param <NK> the type
   * @return a copy with it
   */
  public <NK> Record<NK, V> withKey(NK key) {
    return new Record<>(key, value, timestamp, headers);
  }

  /**
   * This record with another value.
   *
   * @param value the value
   * @param <NV> the type
   * @return a copy with it
   */
  public <NV> Record<K, NV> withValue(NV value) {
    return new Record<>(key, value, timestamp, headers);
  }

  /**
   * This record with another timestamp.
   *
   * @param timestamp the timestamp (epoch ms)
   * @return a copy with it
   */
  public Record<K, V> withTimestamp(long timestamp) {
    return new Record<>(key, value, timestamp, headers);
  }
}
