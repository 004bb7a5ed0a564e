package io.courant.log.internal.kafka;

import io.courant.ErrorCode;
import io.courant.log.BatchInfo;
import io.courant.log.Header;
import io.courant.log.LogRecord;
import io.courant.log.internal.BatchRejectedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The one place that touches kafka-clients' record batch classes (their package moves between
 * releases). Batches are Kafka's record batch format v2 (magic 2): CRC-protected, compressed as a
 * whole, with the base offset outside the CRC so that offsets are assigned in place.
 */
public final class RecordBatches {
  private RecordBatches() {}

  /** The compression names Kafka's {@code compression.type} accepts. */
  public static final List<String> COMPRESSION_TYPES = List.of("none", "gzip", "snappy", "lz4", "zstd");

  /**
   * Checks every batch of an append request before anything is written.
   *
   * @throws BatchRejectedException if a batch is not magic 2, is a control or transactional batch,
   *     is larger than {@code maxMessageBytes}, fails its CRC, or the buffer ends inside a batch
   */
  public static List<BatchInfo> validate(ByteBuffer buffer, int maxMessageBytes) {
    return validate(buffer, maxMessageBytes, false);
  }

  /**
   * As {@link #validate(ByteBuffer, int)}; with {@code requireKeys} (a compacted topic) every record
   * must have a key, as Kafka requires.
   */
  public static List<BatchInfo> validate(ByteBuffer buffer, int maxMessageBytes, boolean requireKeys) {
    MemoryRecords records = MemoryRecords.readableRecords(buffer.duplicate());
    List<BatchInfo> infos = new ArrayList<>();
    int seen = 0;
    try {
      for (MutableRecordBatch batch : records.batches()) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
          throw new BatchRejectedException(ErrorCode.UNSUPPORTED_VERSION,
              "record batch format v" + batch.magic() + " is not supported; only v2 (magic 2) is");
        }
        if (batch.sizeInBytes() > maxMessageBytes) {
          throw new BatchRejectedException(ErrorCode.MESSAGE_TOO_LARGE,
              "record batch of " + batch.sizeInBytes() + " bytes exceeds max.message.bytes=" + maxMessageBytes);
        }
        if (!batch.isValid()) {
          throw new BatchRejectedException(ErrorCode.CORRUPT_MESSAGE,
              "record batch at position " + seen + " fails its CRC check (stored " + batch.checksum() + ")");
        }
        if (batch.isControlBatch() || batch.isTransactional()) {
          throw new BatchRejectedException(ErrorCode.INVALID_RECORD,
              "transactional and control batches are not supported");
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() + 1 != count) {
          throw new BatchRejectedException(ErrorCode.INVALID_RECORD,
              "record batch must hold at least one record with consecutive offset deltas");
        }
        if (requireKeys) {
          requireKeys(batch);
        }
        infos.add(info(batch));
        seen += batch.sizeInBytes();
      }
    } catch (BatchRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BatchRejectedException(ErrorCode.CORRUPT_MESSAGE, "malformed record batch: " + e.getMessage());
    }
    if (seen != buffer.remaining()) {
      throw new BatchRejectedException(ErrorCode.CORRUPT_MESSAGE,
          "the request ends inside a record batch (" + (buffer.remaining() - seen) + " trailing bytes)");
    }
    if (infos.isEmpty()) {
      throw new BatchRejectedException(ErrorCode.INVALID_RECORD, "an append must hold at least one record batch");
    }
    return infos;
  }

  private static void requireKeys(MutableRecordBatch batch) {
    try (CloseableIterator<Record> it = batch.streamingIterator(org.apache.kafka.common.utils.BufferSupplier.NO_CACHING)) {
      while (it.hasNext()) {
        if (!it.next().hasKey()) {
          throw new BatchRejectedException(ErrorCode.INVALID_RECORD,
              "a compacted topic (cleanup.policy=compact) cannot accept a record without a key");
        }
      }
    }
  }

  // ---- compaction

  /** Records, for every keyed record in the stored batches, key → offset (later offsets win). Keys are copied. */
  public static void latestOffsets(ByteBuffer batches, java.util.Map<ByteBuffer, Long> latest) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      try (CloseableIterator<Record> it = batch.streamingIterator(org.apache.kafka.common.utils.BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (r.hasKey()) {
            ByteBuffer key = ByteBuffer.allocate(r.keySize());
            key.put(r.key()).flip();
            latest.merge(key, r.offset(), Math::max);
          }
        }
      }
    }
  }

  /**
   * Stored batches after compaction.
   *
   * @param batches the retained batches (offsets and batch metadata unchanged; empty batches dropped)
   * @param maxTimestamp the largest timestamp retained, or -1
   * @param recordsRead records before
   * @param recordsKept records after
   */
  public record Compacted(byte[] batches, long maxTimestamp, int recordsRead, int recordsKept) {}

  /**
   * Kafka's log compaction of stored batches, with kafka-clients' own {@code filterTo} (as Kafka's
   * log cleaner does): a keyed record is dropped when {@code latest} holds a later offset for its
   * key; a tombstone (null value) that is the latest of its key gets a delete horizon of {@code now
   * + deleteRetentionMs} on the first pass and is dropped by a pass after the horizon. Offsets never
   * change; the kept records keep their batches' producer ids, sequences and timestamps.
   */
  public static Compacted compact(ByteBuffer batches, java.util.Map<ByteBuffer, Long> latest, long now, long deleteRetentionMs) {
    MemoryRecords records = MemoryRecords.readableRecords(batches.duplicate());
    MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(now, deleteRetentionMs) {
      @Override
      protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
      }

      @Override
      protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (!record.hasKey()) {
          return true;
        }
        Long newest = latest.get(record.key());
        if (newest != null && newest > record.offset()) {
          return false;
        }
        return record.hasValue() || batch.deleteHorizonMs().isEmpty() || now < batch.deleteHorizonMs().getAsLong();
      }
    };
    MemoryRecords.FilterResult result = records.filterTo(filter, ByteBuffer.allocate(Math.max(64, batches.remaining())),
        org.apache.kafka.common.utils.BufferSupplier.NO_CACHING);
    ByteBuffer out = result.outputBuffer();
    out.flip();
    byte[] kept = new byte[out.remaining()];
    out.get(kept);
    return new Compacted(kept, result.messagesRetained() == 0 ? -1L : result.maxTimestamp(), result.messagesRead(),
        result.messagesRetained());
  }

  /**
   * Rewrites the offsets of every batch in place so that they follow from {@code nextOffset}, and
   * with {@code logAppendTime >= 0} stamps that time as the batches' timestamp.
   *
   * @return the offset after the last record
   */
  public static long assignOffsets(ByteBuffer buffer, long nextOffset, long logAppendTime) {
    long next = nextOffset;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
      long span = batch.lastOffset() - batch.baseOffset();
      batch.setLastOffset(next + span);
      if (logAppendTime >= 0) {
        batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, logAppendTime);
      }
      next += span + 1;
    }
    return next;
  }

  /** The header of each batch in a buffer of stored batches. */
  public static List<BatchInfo> batches(ByteBuffer buffer) {
    List<BatchInfo> infos = new ArrayList<>();
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
      infos.add(info(batch));
    }
    return infos;
  }

  /** The stored batches that hold an offset at or after {@code fromOffset}, as one buffer. */
  public static ByteBuffer from(ByteBuffer buffer, long fromOffset) {
    ByteBuffer view = buffer.duplicate();
    int start = view.position();
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
      if (batch.lastOffset() >= fromOffset) {
        break;
      }
      start += batch.sizeInBytes();
    }
    view.position(start);
    return view.slice();
  }

  /** Decodes the records at or after {@code fromOffset} (decompressing as needed). */
  public static List<LogRecord> decode(ByteBuffer buffer, long fromOffset) {
    List<LogRecord> out = new ArrayList<>();
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
      if (batch.lastOffset() < fromOffset) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(org.apache.kafka.common.utils.BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (r.offset() >= fromOffset) {
            out.add(toLogRecord(r, batch));
          }
        }
      }
    }
    return out;
  }

  /** A record's offset and timestamp. */
  public record TimestampedOffset(long offset, long timestamp) {}

  /** The first record whose timestamp is at or after {@code timestamp}. */
  public static Optional<TimestampedOffset> offsetForTimestamp(ByteBuffer buffer, long timestamp) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
      if (batch.maxTimestamp() < timestamp) {
        continue;
      }
      if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
        return Optional.of(new TimestampedOffset(batch.baseOffset(), batch.maxTimestamp()));
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(org.apache.kafka.common.utils.BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (r.timestamp() >= timestamp) {
            return Optional.of(new TimestampedOffset(r.offset(), r.timestamp()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A record to encode into a new batch. */
  public record Entry(long timestamp, byte[] key, byte[] value, List<Header> headers) {}

  /** Encodes records into one v2 batch with base offset 0 (offsets are assigned on append). */
  public static ByteBuffer build(List<Entry> entries, String compression, long producerId, short epoch, int baseSequence) {
    int estimate = 0;
    for (Entry e : entries) {
      estimate += estimate(e.key(), e.value(), e.headers());
    }
    Builder builder = new Builder(estimate, compression, producerId, epoch, baseSequence);
    for (Entry e : entries) {
      builder.append(e.timestamp(), e.key(), e.value(), e.headers());
    }
    return builder.build();
  }

  /** An upper estimate of a record's encoded size, for sizing a {@link Builder}. */
  public static int estimate(byte[] key, byte[] value, List<Header> headers) {
    int size = 32 + length(key) + length(value);
    for (Header h : headers) {
      size += 16 + h.key().length() * 3 + length(h.value());
    }
    return size;
  }

  /**
   * Builds one v2 batch record by record, without intermediate objects.
   *
   * @see #COMPRESSION_TYPES
   */
  public static final class Builder {
    private final MemoryRecordsBuilder builder;

    /**
     * @param estimatedBytes the records' estimated size ({@link #estimate}); the buffer grows if needed
     * @param compression one of {@link #COMPRESSION_TYPES}
     * @param producerId the idempotent producer id, or -1
     */
    public Builder(int estimatedBytes, String compression, long producerId, short epoch, int baseSequence) {
      this(ByteBuffer.allocate(64 + estimatedBytes), compression, producerId, epoch, baseSequence);
    }

    /**
     * A builder writing into {@code buffer} (its remaining bytes are the batch's size limit, see
     * {@link #hasRoomFor}; it is left behind for a larger one if a record needs more).
     */
    public Builder(ByteBuffer buffer, String compression, long producerId, short epoch, int baseSequence) {
      builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2, compression(compression), TimestampType.CREATE_TIME,
          0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    public void append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
      builder.append(timestamp, key, value, headers.isEmpty() ? Record.EMPTY_HEADERS : headers(headers));
    }

    /**
     * Whether the record fits within the size the builder was made for (always true for its first
     * record): Kafka's producer cuts its batches ({@code batch.size}) the same way.
     */
    public boolean hasRoomFor(long timestamp, byte[] key, byte[] value, List<Header> headers) {
      return builder.hasRoomFor(timestamp, key, value, headers.isEmpty() ? Record.EMPTY_HEADERS : headers(headers));
    }

    /** Whether the records written reach the size the builder was made for. */
    public boolean isFull() {
      return builder.isFull();
    }

    /** The encoded batch. */
    public ByteBuffer build() {
      return builder.build().buffer();
    }

    /** The encoded batch as an array (a copy only when the buffer is larger than the batch). */
    public byte[] buildArray() {
      ByteBuffer b = build();
      if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
        return b.array();
      }
      return buildCopy();
    }

    /** A copy of the encoded batch: the buffer the builder was given may then be reused. */
    public byte[] buildCopy() {
      ByteBuffer b = build();
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
  }

  private static Compression compression(String name) {
    if (!COMPRESSION_TYPES.contains(name)) {
      throw new IllegalArgumentException("unknown compression.type '" + name + "'; allowed: " + COMPRESSION_TYPES);
    }
    return Compression.of(name).build();
  }

  private static org.apache.kafka.common.header.Header[] headers(List<Header> headers) {
    org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
    }
    return out;
  }

  private static LogRecord toLogRecord(Record r, RecordBatch batch) {
    List<Header> headers = new ArrayList<>(r.headers().length);
    for (org.apache.kafka.common.header.Header h : r.headers()) {
      headers.add(new Header(h.key(), h.value()));
    }
    long timestamp = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : r.timestamp();
    return new LogRecord(r.offset(), timestamp, bytes(r.hasKey() ? r.key() : null), bytes(r.hasValue() ? r.value() : null), headers);
  }

  private static BatchInfo info(RecordBatch b) {
    return new BatchInfo(b.baseOffset(), b.lastOffset(), b.maxTimestamp(), b.producerId(), b.producerEpoch(),
        b.baseSequence(), b.lastSequence(), b.sizeInBytes());
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }
}
