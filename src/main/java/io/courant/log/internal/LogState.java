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
  /** Offsets below this have been through at least one compaction pass. */
  long cleanedTo;
  final LogIndex index;
  final ProducerStates producers;

  public LogState() {
    this(0L, 0L, 0L, 0L, new LogIndex(), new ProducerStates());
  }

  LogState(long logStartOffset, long nextOffset, long lastSeqNr, long cleanedTo, LogIndex index, ProducerStates producers) {
    this.logStartOffset = logStartOffset;
    this.nextOffset = nextOffset;
    this.lastSeqNr = lastSeqNr;
    this.cleanedTo = cleanedTo;
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

  /** Offsets below this have been compacted at least once. */
  public long cleanedTo() {
    return cleanedTo;
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

  LogState applyCompacted(PartitionLog.RecordsCompacted e) {
    lastSeqNr++;
    applyCompacted(e, lastSeqNr);
    return this;
  }

  /** Replaces the index entries of the compacted range by the compacted event at {@code seqNr}. */
  void applyCompacted(PartitionLog.RecordsCompacted e, long seqNr) {
    boolean belowStart = e.toOffset() <= logStartOffset;
    index.replace(e.fromOffset(), e.toOffset(), e.baseOffset(), e.lastOffset(), seqNr, e.maxTimestamp(),
        belowStart ? 0 : e.batches().length);
    cleanedTo = Math.max(cleanedTo, e.toOffset());
  }

  LogState applyStartAdvanced(PartitionLog.LogStartAdvanced e) {
    lastSeqNr++;
    advanceStart(e.logStartOffset());
    return this;
  }

  /** Moves the log start to {@code offset} (never back) and drops the index entries that hold only offsets before it. */
  void advanceStart(long offset) {
    logStartOffset = Math.max(logStartOffset, offset);
    index.dropBefore(logStartOffset);
  }

  public LogState copy() {
    return new LogState(logStartOffset, nextOffset, lastSeqNr, cleanedTo, index.copy(), producers.copy());
  }
}
