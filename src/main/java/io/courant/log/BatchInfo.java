package io.courant.log;

/**
 * What the header of one stored record batch says, read without decompressing it.
 *
 * @param baseOffset offset of its first record
 * @param lastOffset offset of its last record
 * @param maxTimestamp the largest record timestamp in it
 * @param producerId the idempotent producer's id, or -1
 * @param producerEpoch the producer's epoch, or -1
 * @param baseSequence the sequence number of its first record, or -1
 * @param lastSequence the sequence number of its last record, or -1
 * @param sizeInBytes its encoded size
 */
public record BatchInfo(
    long baseOffset,
    long lastOffset,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int lastSequence,
    int sizeInBytes) {

  /** Number of offsets the batch spans (records, before any compaction). */
  public int offsetCount() {
    return (int) (lastOffset - baseOffset + 1);
  }

  public boolean hasProducerId() {
    return producerId >= 0;
  }
}
