package io.courant.stream.serialization;

import java.nio.charset.StandardCharsets;

/** Text as UTF-8 (null stays null). */
public final class StringSerializer implements Serializer<String> {
  @Override
  public byte[] serialize(String topic, String data) {
    return data == null ? null : data.getBytes(StandardCharsets.UTF_8);
  }
}
