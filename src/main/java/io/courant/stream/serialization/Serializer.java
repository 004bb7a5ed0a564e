package io.courant.stream.serialization;

/**
 * Turns a key or value into the bytes a record stores, as Kafka's {@code Serializer} does.
 * Implementations must be thread-safe (a producer stage may run on any thread).
 *
 * <pre>{@code
 * ProducerSettings.create(system, new StringSerializer(), new JsonSerializer<Order>())
 * }</pre>
 *
 * @param <T> the type serialized
 * @see Deserializer
 */
@FunctionalInterface
public interface Serializer<T> {
  /**
   * @param topic the topic the record goes to
   * @param data the key or value, may be null
   * @return the bytes, or null for a null key / a tombstone
   * @throws SerializationException if the data cannot be serialized
   */
  byte[] serialize(String topic, T data);
}
