package io.courant.stream.dsl;

/**
 * An action on each record ({@link KStream#foreach}, {@link KStream#peek}).
 *
 * <pre>{@code
 * alerts.foreach((id, alert) -> pager.send(alert));
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface ForeachAction<K, V> {
  /**
   * Acts on one record.
   *
   * @param key the record's key
   * @param value the record's value
   */
  void apply(K key, V value);
}
