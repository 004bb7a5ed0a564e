package io.courant.stream.serialization;

import java.nio.ByteBuffer;

/** A long as 8 big-endian bytes (Kafka's {@code LongSerializer} format). */
public final class LongSerializer implements Serializer<Long> {
  @Override
  public byte[] serialize(String topic, Long data) {
    return data == null ? null : ByteBuffer.allocate(Long.BYTES).putLong(data).array();
  }
}
