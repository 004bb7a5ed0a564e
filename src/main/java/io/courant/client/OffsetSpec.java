package io.courant.client;

/**
 * Where to reset a consumer group's offset to, as {@code kafka-consumer-groups --reset-offsets}
 * offers: {@link #earliest()}, {@link #latest()}, {@link #forTimestamp(long)} or {@link
 * #offset(long)}.
 */
public sealed interface OffsetSpec {
  /** The log start offset. */
  record Earliest() implements OffsetSpec {}

  /** The log end offset. */
  record Latest() implements OffsetSpec {}

  /** The first record at or after a time (the log end if there is none). */
  record ForTimestamp(long timestamp) implements OffsetSpec {}

  /** A given offset (clamped to the log's valid range, as Kafka's tool does). */
  record Offset(long offset) implements OffsetSpec {}

  static OffsetSpec earliest() {
    return new Earliest();
  }

  static OffsetSpec latest() {
    return new Latest();
  }

  static OffsetSpec forTimestamp(long timestamp) {
    return new ForTimestamp(timestamp);
  }

  static OffsetSpec offset(long offset) {
    return new Offset(offset);
  }
}
