package io.courant.stream.serialization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An object as JSON (UTF-8), with Jackson.
 *
 * @param <T> the type written
 * @see JsonDeserializer
 */
public final class JsonSerializer<T> implements Serializer<T> {
  private final ObjectMapper mapper;

  /** With a default {@link ObjectMapper} (modules found on the classpath registered). */
  public JsonSerializer() {
    this(JsonDeserializer.defaultMapper());
  }

  /** With the application's own mapper (thread-safe once configured). */
  public JsonSerializer(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** @throws SerializationException if Jackson cannot write the object */
  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return mapper.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new SerializationException("cannot write a " + data.getClass().getName() + " as JSON for topic '" + topic + "'", e);
    }
  }
}
