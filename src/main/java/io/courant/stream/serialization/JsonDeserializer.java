package io.courant.stream.serialization;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON (UTF-8) as an object of a given type, with Jackson.
 *
 * <pre>{@code
 * ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
 * }</pre>
 *
 * @param <T> the type read
 * @see JsonSerializer
 */
public final class JsonDeserializer<T> implements Deserializer<T> {
  private final ObjectMapper mapper;
  private final JavaType type;

  /** Reads {@code type} with a default {@link ObjectMapper}. */
  public JsonDeserializer(Class<T> type) {
    this(defaultMapper(), type);
  }

  /** Reads {@code type} with the application's own mapper. */
  public JsonDeserializer(ObjectMapper mapper, Class<T> type) {
    this.mapper = mapper;
    this.type = mapper.constructType(type);
  }

  /** @throws SerializationException if the bytes are not JSON of the expected type */
  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return mapper.readValue(data, type);
    } catch (IOException e) {
      throw new SerializationException("a record of topic '" + topic + "' is not JSON of " + type + ": " + e.getMessage(), e);
    }
  }

  static ObjectMapper defaultMapper() {
    return new ObjectMapper().findAndRegisterModules();
  }
}
