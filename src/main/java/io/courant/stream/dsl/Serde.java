package io.courant.stream.dsl;

import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.Serializer;

/**
 * A serializer and deserializer pair for one type, as Kafka's {@code Serde}. Built-in ones come
 * from {@link Serdes}.
 *
 * @param <T> the type
 */
public interface Serde<T> {
  /** The serializer. */
  Serializer<T> serializer();

  /** The deserializer. */
  Deserializer<T> deserializer();
}
