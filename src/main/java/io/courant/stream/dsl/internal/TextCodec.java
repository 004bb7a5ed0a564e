package io.courant.stream.dsl.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.JsonDeserializer;
import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.StringDeserializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Store keys and values as the HTTP API writes them, from their serdes: a String as text, a Long or
 * Integer as a number, a JSON serde's object as its JSON, anything else (byte arrays, custom serdes)
 * as the Base64 of its serialized bytes. Keys in a URL are read back the same way (a JSON key as its
 * JSON text).
 */
public final class TextCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TextCodec() {}

  /** {@code text} as a JSON string literal. */
  public static String quote(String text) {
    return JsonNodeFactory.instance.textNode(text).toString();
  }

  /**
   * Reads a key (or value) written as text.
   *
   * @throws IllegalArgumentException if {@code text} is not a value of the serde's type
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Object parse(Serde<?> serde, String text, String store) {
    Object d = serde.deserializer();
    try {
      if (d instanceof StringDeserializer) {
        return text;
      }
      if (d instanceof LongDeserializer) {
        return Long.parseLong(text);
      }
      if (serde instanceof Serdes.IntegerSerde) {
        return Integer.parseInt(text);
      }
      if (d instanceof JsonDeserializer) {
        return ((Serde) serde).deserializer().deserialize(store, text.getBytes(StandardCharsets.UTF_8));
      }
      return ((Serde) serde).deserializer().deserialize(store, Base64.getDecoder().decode(text));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a key of store '" + store + "' (" + kind(serde) + "): " + e.getMessage(), e);
    }
  }

  /** A key or value as JSON. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static JsonNode json(Serde<?> serde, Object value, String store) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    Object d = serde.deserializer();
    if (value instanceof String s && d instanceof StringDeserializer) {
      return JsonNodeFactory.instance.textNode(s);
    }
    if (value instanceof Long l) {
      return JsonNodeFactory.instance.numberNode(l);
    }
    if (value instanceof Integer i) {
      return JsonNodeFactory.instance.numberNode(i);
    }
    byte[] bytes = ((Serde) serde).serializer().serialize(store, value);
    if (d instanceof JsonDeserializer) {
      try {
        return MAPPER.readTree(bytes);
      } catch (IOException e) {
        throw new IllegalStateException("store '" + store + "' holds a value its JSON serde wrote as invalid JSON", e);
      }
    }
    return JsonNodeFactory.instance.textNode(Base64.getEncoder().encodeToString(bytes));
  }

  /** A JSON tree as text. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How keys of this serde are written in a URL. */
  public static String kind(Serde<?> serde) {
    Object d = serde.deserializer();
    if (d instanceof StringDeserializer) {
      return "text";
    }
    if (d instanceof LongDeserializer || serde instanceof Serdes.IntegerSerde) {
      return "number";
    }
    if (d instanceof JsonDeserializer) {
      return "json";
    }
    return d instanceof ByteArrayDeserializer ? "base64" : "base64 of the serialized key";
  }
}
