package io.courant.stream.dsl;

import io.courant.log.Header;
import java.util.List;

/**
 * A record piped into or read from a {@link TopologyTestDriver} topic.
 *
 * <pre>{@code
 * in.pipeInput(new TestRecord<>("k", "v", 1_000L));
 * TestRecord<String, Long> first = out.readRecord();
 * }</pre>
 *
 * @param key the key
 * @param value the value
 * @param headers the headers
 * @param timestamp the timestamp (ms)
 * @param <K> the key type
 * @param <V> the value type
 */
public record TestRecord<K, V>(K key, V value, List<Header> headers, long timestamp) {
  /**
   * Null headers become no headers.
   *
   * @param key the key
   * @param value the value
   * @param headers the headers
   * @param timestamp the timestamp (ms)
   */
  public TestRecord {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /**
   * A record without headers.
   *
   * @param key the key
   * @param value the value
   * @param timestamp the timestamp (epoch ms)
   */
  public TestRecord(K key, V value, long timestamp) {
    this(key, value, List.of(), timestamp);
  }
}
