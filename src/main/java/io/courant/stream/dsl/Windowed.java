package io.courant.stream.dsl;

/**
 * The key of a windowed aggregation's result: the record key and its window.
 *
 * <pre>{@code
 * KStream<String, Long> flat = windowedCounts.toStream((w, n) -> w.key() + "@" + w.window().start());
 * }</pre>
 *
 * @param key the record key
 * @param window the window (start and end, epoch ms)
 * @param <K> the key type
 * @see TimeWindowedKStream
 * @see SessionWindowedKStream
 */
public record Windowed<K>(K key, Window window) {
  @Override
  public String toString() {
    return "[" + key + "@" + window.start() + "/" + window.end() + "]";
  }
}
