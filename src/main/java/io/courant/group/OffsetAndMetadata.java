package io.courant.group;

import io.courant.CborSerializable;

/**
 * A committed offset, as in Kafka.
 *
 * @param offset the next offset the group reads from that partition (last processed + 1)
 * @param metadata free text stored with the commit (may be empty)
 * @param commitTimestamp when the coordinator stored it, ms since the epoch
 */
public record OffsetAndMetadata(long offset, String metadata, long commitTimestamp) implements CborSerializable {
  public OffsetAndMetadata {
    metadata = metadata == null ? "" : metadata;
  }

  /** An offset to commit, without metadata. */
  public static OffsetAndMetadata of(long offset) {
    return new OffsetAndMetadata(offset, "", -1L);
  }
}
