package io.courant.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** JSON reading and writing for the routes (Jackson trees: the shapes are the bridge's, not Java's). */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Parses a request body; an empty body is an empty object. */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return object();
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.malformed("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiError.malformed("the body is not valid JSON: " + e.getMessage());
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The body as an object (400 otherwise). */
  public static ObjectNode requireObject(JsonNode body) {
    if (!body.isObject()) {
      throw ApiError.malformed("the body must be a JSON object, not " + kind(body));
    }
    return (ObjectNode) body;
  }

  /** A required array field, each element read by {@code element}. */
  public static <T> List<T> list(JsonNode body, String field, Function<JsonNode, T> element) {
    JsonNode array = requireObject(body).get(field);
    if (array == null || !array.isArray()) {
      throw ApiError.malformed("the body must have an array field '" + field + "'");
    }
    List<T> out = new ArrayList<>(array.size());
    array.forEach(e -> out.add(element.apply(e)));
    return out;
  }

  /** A required text field. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiError.malformed("field '" + field + "' must be a string" + (v == null ? " and is missing" : ", not " + kind(v)));
    }
    return v.textValue();
  }

  /** A required integer field. */
  public static long integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw ApiError.malformed("field '" + field + "' must be an integer" + (v == null ? " and is missing" : ", not " + kind(v)));
    }
    return v.longValue();
  }

  /** An optional integer field, or null. */
  public static Long optionalInteger(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : integer(node, field);
  }

  /** An int field within [min, max] (422 outside). */
  public static int intIn(JsonNode node, String field, int min, int max) {
    long v = integer(node, field);
    if (v < min || v > max) {
      throw ApiError.invalid("field '" + field + "' must be between " + min + " and " + max + ", not " + v);
    }
    return (int) v;
  }

  static String kind(JsonNode node) {
    return node.getNodeType() == JsonNodeType.MISSING ? "missing" : node.getNodeType().name().toLowerCase();
  }
}
