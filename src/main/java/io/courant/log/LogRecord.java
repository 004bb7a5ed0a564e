package io.courant.log;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record as stored in a partition log.
 *
 * @param offset its position in the partition, assigned on append
 * @param timestamp milliseconds since the epoch (the producer's, or the append time when the
 *     topic's {@code message.timestamp.type} is {@code LogAppendTime})
 * @param key the key bytes, or null
 * @param value the value bytes, or null for a tombstone
 * @param headers the headers, in the order they were written
 */
public record LogRecord(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
  public LogRecord {
    headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r
        && offset == r.offset
        && timestamp == r.timestamp
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(offset) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "LogRecord[offset=" + offset + ", timestamp=" + timestamp
        + ", key=" + (key == null ? "null" : key.length + " bytes")
        + ", value=" + (value == null ? "null" : value.length + " bytes")
        + ", headers=" + headers + "]";
  }
}
