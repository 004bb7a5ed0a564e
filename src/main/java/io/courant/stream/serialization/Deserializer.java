package io.courant.stream.serialization;

/**
 * Turns stored key or value bytes back into an object, as Kafka's {@code Deserializer} does.
 * Implementations must be thread-safe.
 *
 * @param <T> the type produced
 * @see Serializer
 */
@FunctionalInterface
public interface Deserializer<T> {
  /**
   * @param topic the topic the record came from
   * @param data the bytes, may be null (no key, or a tombstone)
   * @return the object, or null when {@code data} is null
   * @throws SerializationException if the bytes cannot be read (the consumer stream fails with it)
   */
  T deserialize(String topic, byte[] data);
}
