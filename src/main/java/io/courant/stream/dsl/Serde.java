package io.courant.stream.dsl;

import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.Serializer;

/**
 * A serializer and deserializer pair for one type, as Kafka's {@code Serde}. Built-in ones come
 * from {@link Serdes}.
 *
 * <pre>{@code
 * Serde<Order> orderSerde = Serdes.Json(Order.class);
 * byte[] bytes = orderSerde.serializer().serialize("orders", order);
 * }</pre>
 *
 * @param <T> the type
 */
public interface Serde<T> {
  /**
   * The serializer.
   *
   * @return the serializer
   */
  Serializer<T> serializer();

  /**
   * The deserializer.
   *
   * @return the deserializer
   */
  Deserializer<T> deserializer();
}
