package io.courant.stream.serialization;

import java.nio.ByteBuffer;

/** 8 big-endian bytes as a long (Kafka's {@code LongDeserializer} format). */
public final class LongDeserializer implements Deserializer<Long> {
  /** @throws SerializationException if the data is not exactly 8 bytes */
  @Override
  public Long deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length != Long.BYTES) {
      throw new SerializationException("a long is 8 bytes; a record of topic '" + topic + "' has " + data.length, null);
    }
    return ByteBuffer.wrap(data).getLong();
  }
}
