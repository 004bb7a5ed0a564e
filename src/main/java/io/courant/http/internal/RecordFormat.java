package io.courant.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/**
 * The bridge's embedded formats of keys and values: {@code json} (any JSON value, stored as its
 * JSON text), {@code binary} (Base64 text, stored as the decoded bytes) and {@code text} (a string,
 * stored as UTF-8). Each has its media type, {@code application/vnd.kafka.<format>.v2+json}.
 */
public enum RecordFormat {
  JSON, BINARY, TEXT;

  private final String name = name().toLowerCase(Locale.ROOT);
  private final ContentType contentType =
      MediaTypes.applicationWithFixedCharset("vnd.kafka." + name + ".v2+json", HttpCharsets.UTF_8).toContentType();

  /** The format's name in consumer configs ({@code "json"}). */
  public String formatName() {
    return name;
  }

  public ContentType contentType() {
    return contentType;
  }

  /** The format named in a consumer's config (422 for others). */
  public static RecordFormat named(String name) {
    for (RecordFormat f : values()) {
      if (f.name.equals(name)) {
        return f;
      }
    }
    throw new ApiError(422, 42204, "format must be json, binary or text, not '" + name + "'");
  }

  /**
   * The format of a media type {@code application/vnd.kafka.<format>.v2+json}, or null if the media
   * type is none of them.
   */
  public static RecordFormat ofMediaType(String mediaType) {
    String m = mediaType.toLowerCase(Locale.ROOT);
    int semicolon = m.indexOf(';');
    m = (semicolon < 0 ? m : m.substring(0, semicolon)).trim();
    for (RecordFormat f : values()) {
      if (m.equals("application/vnd.kafka." + f.name + ".v2+json")) {
        return f;
      }
    }
    return null;
  }

  /** A key or value of a produce request as bytes (null stays null); 422 if it does not fit the format. */
  public byte[] decode(JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return null;
    }
    return switch (this) {
      case JSON -> Json.bytes(node);
      case TEXT -> {
        if (!node.isTextual()) {
          throw ApiError.invalid(what + " must be a string in the text format, not " + Json.kind(node));
        }
        yield node.textValue().getBytes(StandardCharsets.UTF_8);
      }
      case BINARY -> base64(node, what);
    };
  }

  /** Stored bytes as a key or value of a consumer's records (a value that is not JSON comes back as a string in the json format). */
  public JsonNode encode(byte[] bytes) {
    if (bytes == null) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    return switch (this) {
      case JSON -> {
        try {
          JsonNode node = Json.MAPPER.readTree(bytes);
          yield node == null || node.isMissingNode() ? new TextNode(new String(bytes, StandardCharsets.UTF_8)) : node;
        } catch (java.io.IOException e) {
          yield new TextNode(new String(bytes, StandardCharsets.UTF_8));
        }
      }
      case TEXT -> new TextNode(new String(bytes, StandardCharsets.UTF_8));
      case BINARY -> new TextNode(Base64.getEncoder().encodeToString(bytes));
    };
  }

  /** Base64 text as bytes (header values are Base64 in every format). */
  public static byte[] base64(JsonNode node, String what) {
    if (!node.isTextual()) {
      throw ApiError.invalid(what + " must be a Base64 string, not " + Json.kind(node));
    }
    try {
      return Base64.getDecoder().decode(node.textValue());
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(what + " is not valid Base64: " + e.getMessage());
    }
  }
}
