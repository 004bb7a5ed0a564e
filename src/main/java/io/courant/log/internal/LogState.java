package io.courant.log.internal;

import io.courant.log.internal.kafka.RecordBatches;
import java.nio.ByteBuffer;

/**
 * The durable state of a partition log, rebuilt from snapshot + events: its marks, its index and
 * its producers. Mutable, owned by one actor; {@link #copy()} hands another actor its own.
 */
public final class LogState {
  long logStartOffset;
  long nextOffset;
  long lastSeqNr;
  final LogIndex index;
  final ProducerStates producers;

  public LogState() {
    this(0L, 0L, 0L, new LogIndex(), new ProducerStates());
  }

  LogState(long logStartOffset, long nextOffset, long lastSeqNr, LogIndex index, ProducerStates producers) {
    this.logStartOffset = logStartOffset;
    this.nextOffset = nextOffset;
    this.lastSeqNr = lastSeqNr;
    this.index = index;
    this.producers = producers;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  /** The log end offset: the offset the next record gets. */
  public long nextOffset() {
    return nextOffset;
  }

  /** The journal sequence number of the last event applied. */
  public long lastSeqNr() {
    return lastSeqNr;
  }

  public LogIndex index() {
    return index;
  }

  public ProducerStates producers() {
    return producers;
  }

  LogState applyAppended(PartitionLog.RecordsAppended e) {
    lastSeqNr++;
    index.add(e.baseOffset(), e.lastOffset(), lastSeqNr, e.maxTimestamp(), e.batches().length);
    nextOffset = e.lastOffset() + 1;
    producers.recordAll(RecordBatches.batches(ByteBuffer.wrap(e.batches())));
    return this;
  }

  LogState applyStartAdvanced(PartitionLog.LogStartAdvanced e) {
    lastSeqNr++;
    advanceStart(e.logStartOffset());
    return this;
  }

  /**
   * Moves the log start to {@code offset} (never back) and drops the index entries that hold only
   * offsets before it.
   *
   * @return the highest journal sequence number of the dropped entries, or 0 if none was dropped
   */
  long advanceStart(long offset) {
    long droppedTo = 0;
    for (int i = 0; i < index.size() && index.lastOffset(i) < offset; i++) {
      droppedTo = Math.max(droppedTo, index.seqNr(i));
    }
    logStartOffset = Math.max(logStartOffset, offset);
    index.dropBefore(logStartOffset);
    return droppedTo;
  }

  public LogState copy() {
    return new LogState(logStartOffset, nextOffset, lastSeqNr, index.copy(), producers.copy());
  }
}
