package io.courant.stream.dsl;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Interactive queries of a key-value store of a running application ({@link
 * CourantStreams#keyValueStore}), from any node: a key is read from the store partition that owns
 * it (the partition its key hashes to, Kafka's murmur2 of the serialized key); ranges read every
 * partition. Reads see the store as of the last committed batch ({@code commit.interval.ms}).
 *
 * <pre>{@code
 * QueryableKeyValueStore<String, Long> counts = streams.keyValueStore("word-counts");
 * Long hello = counts.get("hello").toCompletableFuture().join();
 * List<KeyValue<String, Long>> a = counts.range("a", "b").toCompletableFuture().join();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface QueryableKeyValueStore<K, V> {
  /**
   * The value of {@code key}, or null.
   *
   * @param key the key
   * @return the value, or null if the key has none
   */
  CompletionStage<V> get(K key);

  /**
   * Entries with keys from {@code from} to {@code to} inclusive (null: unbounded), in serialized-key order.
   *
   * @param from the first key (inclusive), or null for the lowest
   * @param to the last key (inclusive), or null for the highest
   * @return the entries, in serialized-key order
   */
  CompletionStage<List<KeyValue<K, V>>> range(K from, K to);

  /**
   * Every entry, in serialized-key order.
   *
   * @return the entries, in serialized-key order
   */
  CompletionStage<List<KeyValue<K, V>>> all();
}
