package io.courant.stream.dsl.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Serialized key bytes, ordered unsigned-lexicographically (Kafka Streams' store order). */
public final class Bytes implements Comparable<Bytes> {
  private final byte[] bytes;

  public Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  public byte[] get() {
    return bytes;
  }

  /** {@code key} followed by the big-endian longs / ints given. */
  static Bytes withSuffix(byte[] key, long a, long b, boolean bIsInt) {
    ByteBuffer buf = ByteBuffer.allocate(key.length + 8 + (bIsInt ? 4 : 8)).put(key).putLong(a);
    if (bIsInt) {
      buf.putInt((int) b);
    } else {
      buf.putLong(b);
    }
    return new Bytes(buf.array());
  }

  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return Arrays.toString(bytes);
  }
}
