package io.courant.stream.dsl;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Interactive queries of a window store of a running application ({@link
 * CourantStreams#windowStore}), routed like {@link QueryableKeyValueStore}.
 *
 * <pre>{@code
 * QueryableWindowStore<String, Long> views = streams.windowStore("views-per-minute");
 * List<KeyValue<Long, Long>> lastHour = views.fetch("home", now - 3_600_000, now).toCompletableFuture().join();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface QueryableWindowStore<K, V> {
  /**
   * The windows of {@code key} starting from {@code timeFrom} to {@code timeTo} inclusive, as (window start, value), oldest first.
   *
   * @param key the key
   * @param timeFrom the earliest window start (epoch ms, inclusive)
   * @param timeTo the latest window start (epoch ms, inclusive)
   * @return the windows as (window start, value), oldest first
   */
  CompletionStage<List<KeyValue<Long, V>>> fetch(K key, long timeFrom, long timeTo);

  /**
   * The windows of every key starting from {@code timeFrom} to {@code timeTo} inclusive.
   *
   * @param timeFrom the earliest window start (epoch ms, inclusive)
   * @param timeTo the latest window start (epoch ms, inclusive)
   * @return the windows as (windowed key, value)
   */
  CompletionStage<List<KeyValue<Windowed<K>, V>>> fetchAll(long timeFrom, long timeTo);
}
