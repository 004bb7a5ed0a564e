package io.courant.stream.dsl;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.ByteArraySerializer;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.JsonDeserializer;
import io.courant.stream.serialization.JsonSerializer;
import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.LongSerializer;
import io.courant.stream.serialization.SerializationException;
import io.courant.stream.serialization.Serializer;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.nio.ByteBuffer;

/**
 * The built-in {@link Serde}s, with Kafka's names and byte formats.
 *
 * <pre>{@code
 * builder.stream("orders", Consumed.with(Serdes.String(), Serdes.Json(Order.class)))
 *     .to("order-ids", Produced.with(Serdes.String(), Serdes.Long()));
 * }</pre>
 */
public final class Serdes {
  private Serdes() {}

  /**
   * UTF-8 text.
   *
   * @return the serde
   */
  public static Serde<String> String() {
    return new StringSerde();
  }

  /**
   * 8 big-endian bytes (Kafka's {@code LongSerializer} format).
   *
   * @return the serde
   */
  public static Serde<Long> Long() {
    return new LongSerde();
  }

  /**
   * 4 big-endian bytes (Kafka's {@code IntegerSerializer} format).
   *
   * @return the serde
   */
  public static Serde<Integer> Integer() {
    return new IntegerSerde();
  }

  /**
   * The bytes as they are.
   *
   * @return the serde
   */
  public static Serde<byte[]> ByteArray() {
    return new ByteArraySerde();
  }

  /** A serde made of a serializer and a deserializer (the base of the named serde classes). */
  public static class WrapperSerde<T> implements Serde<T> {
    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    /**
     * A serde of these two.
     *
     * @param serializer the serializer
     * @param deserializer the deserializer
     * @throws NullPointerException if either is null
     */
    public WrapperSerde(Serializer<T> serializer, Deserializer<T> deserializer) {
      this.serializer = java.util.Objects.requireNonNull(serializer, "serializer");
      this.deserializer = java.util.Objects.requireNonNull(deserializer, "deserializer");
    }

    @Override
    public Serializer<T> serializer() {
      return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
      return deserializer;
    }
  }

  /** {@link #String()} as a class, for {@code default.key.serde} / {@code default.value.serde}. */
  public static final class StringSerde extends WrapperSerde<String> {
    /**
     * A new serde.
     */
    public StringSerde() {
      super(new StringSerializer(), new StringDeserializer());
    }
  }

  /** {@link #Long()} as a class. */
  public static final class LongSerde extends WrapperSerde<Long> {
    /**
     * A new serde.
     */
    public LongSerde() {
      super(new LongSerializer(), new LongDeserializer());
    }
  }

  /** {@link #ByteArray()} as a class. */
  public static final class ByteArraySerde extends WrapperSerde<byte[]> {
    /**
     * A new serde.
     */
    public ByteArraySerde() {
      super(new ByteArraySerializer(), new ByteArrayDeserializer());
    }
  }

  /** {@link #Integer()} as a class. */
  public static final class IntegerSerde extends WrapperSerde<Integer> {
    /**
     * A new serde.
     */
    public IntegerSerde() {
      super((topic, data) -> data == null ? null : ByteBuffer.allocate(4).putInt(data).array(), (topic, data) -> {
        if (data == null) {
          return null;
        }
        if (data.length != 4) {
          throw new SerializationException("an Integer is 4 bytes, got " + data.length + " in topic '" + topic + "'", null);
        }
        return ByteBuffer.wrap(data).getInt();
      });
    }
  }

  /**
   * JSON with Jackson (records and POJOs), with a default {@link ObjectMapper}.
   *
   * @param type stream time or wall-clock time
   * @param <T> the type
   * @return the serde
   */
  public static <T> Serde<T> Json(Class<T> type) {
    return serdeFrom(new JsonSerializer<>(), new JsonDeserializer<>(type));
  }

  /**
   * JSON with the application's own {@link ObjectMapper}.
   *
   * @param type stream time or wall-clock time
   * @param mapper the Jackson object mapper
   * @param <T> the type
   * @return the serde
   */
  public static <T> Serde<T> Json(Class<T> type, ObjectMapper mapper) {
    return serdeFrom(new JsonSerializer<>(mapper), new JsonDeserializer<>(mapper, type));
  }

  /**
   * A serde from a serializer and a deserializer.
   *
   * @param serializer the serializer
   * @param deserializer the deserializer
   * @param <T> the type
   * @return the serde
   */
  public static <T> Serde<T> serdeFrom(Serializer<T> serializer, Deserializer<T> deserializer) {
    return new WrapperSerde<>(serializer, deserializer);
  }
}
