package io.courant.log.internal;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Binary serializer of the partition log's journal events and snapshots: a few fixed fields and the
 * record batches as they are (no JSON, no copy beyond the one into the output array). Each format
 * starts with a version byte so that it can evolve.
 */
public final class PartitionLogSerializer extends SerializerWithStringManifest {
  public static final String RECORDS_APPENDED = "A";
  private static final String LOG_STATE = "S";
  private static final String LOG_START_ADVANCED = "L";
  private static final String RECORDS_COMPACTED = "C";
  private static final byte VERSION = 1;
  /** Snapshots of version 2 add each event's own max timestamp and the compaction mark. */
  private static final byte LOG_STATE_VERSION = 2;

  public PartitionLogSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return 1_318_001;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof PartitionLog.RecordsAppended) {
      return RECORDS_APPENDED;
    } else if (o instanceof LogState) {
      return LOG_STATE;
    } else if (o instanceof PartitionLog.LogStartAdvanced) {
      return LOG_START_ADVANCED;
    } else if (o instanceof PartitionLog.RecordsCompacted) {
      return RECORDS_COMPACTED;
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof PartitionLog.RecordsAppended e) {
      ByteBuffer out = ByteBuffer.allocate(1 + 24 + e.batches().length);
      out.put(VERSION).putLong(e.baseOffset()).putLong(e.lastOffset()).putLong(e.maxTimestamp()).put(e.batches());
      return out.array();
    } else if (o instanceof LogState s) {
      return logState(s);
    } else if (o instanceof PartitionLog.LogStartAdvanced e) {
      return ByteBuffer.allocate(9).put(VERSION).putLong(e.logStartOffset()).array();
    } else if (o instanceof PartitionLog.RecordsCompacted e) {
      ByteBuffer out = ByteBuffer.allocate(1 + 41 + e.batches().length);
      out.put(VERSION).putLong(e.fromOffset()).putLong(e.toOffset()).putLong(e.baseOffset()).putLong(e.lastOffset())
          .putLong(e.maxTimestamp()).put((byte) (e.lastOfPass() ? 1 : 0)).put(e.batches());
      return out.array();
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION && !(manifest.equals(LOG_STATE) && version == LOG_STATE_VERSION)) {
      throw new NotSerializableException("unknown partition log format version " + version + " of " + manifest);
    }
    switch (manifest) {
      case RECORDS_APPENDED: {
        long base = in.getLong();
        long last = in.getLong();
        long maxTimestamp = in.getLong();
        byte[] batches = new byte[in.remaining()];
        in.get(batches);
        return new PartitionLog.RecordsAppended(base, last, maxTimestamp, batches);
      }
      case LOG_STATE:
        return logState(in, version);
      case RECORDS_COMPACTED: {
        long from = in.getLong();
        long to = in.getLong();
        long base = in.getLong();
        long last = in.getLong();
        long maxTimestamp = in.getLong();
        boolean lastOfPass = in.get() == 1;
        byte[] batches = new byte[in.remaining()];
        in.get(batches);
        return new PartitionLog.RecordsCompacted(from, to, base, last, maxTimestamp, batches, lastOfPass);
      }
      case LOG_START_ADVANCED:
        return new PartitionLog.LogStartAdvanced(in.getLong());
      default:
        throw new NotSerializableException("unknown manifest " + manifest);
    }
  }

  private static byte[] logState(LogState s) {
    LogIndex index = s.index();
    int[] producerBytes = {0};
    s.producers().forEach((id, epoch, recent) -> producerBytes[0] += 8 + 2 + 4 + recent.size() * 24);
    ByteBuffer out = ByteBuffer.allocate(1 + 32 + 4 + index.size() * 36 + 4 + producerBytes[0]);
    out.put(LOG_STATE_VERSION).putLong(s.logStartOffset()).putLong(s.nextOffset()).putLong(s.lastSeqNr()).putLong(s.cleanedTo());
    out.putInt(index.size());
    for (int i = 0; i < index.size(); i++) {
      out.putLong(index.baseOffset(i)).putLong(index.lastOffset(i)).putLong(index.seqNr(i))
          .putLong(index.maxTimestamp(i)).putInt(index.sizeInBytes(i));
    }
    out.putInt(s.producers().size());
    s.producers().forEach((id, epoch, recent) -> {
      out.putLong(id).putShort(epoch).putInt(recent.size());
      for (ProducerStates.Appended a : recent) {
        out.putInt(a.baseSequence()).putInt(a.lastSequence()).putLong(a.baseOffset()).putLong(a.lastOffset());
      }
    });
    return out.array();
  }

  /** Version 1 held the running max timestamp per entry (taken as the entry's own) and no compaction mark. */
  private static LogState logState(ByteBuffer in, byte version) {
    long logStart = in.getLong();
    long next = in.getLong();
    long lastSeqNr = in.getLong();
    long cleanedTo = version >= LOG_STATE_VERSION ? in.getLong() : 0L;
    LogIndex index = new LogIndex();
    int entries = in.getInt();
    for (int i = 0; i < entries; i++) {
      index.add(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getInt());
    }
    ProducerStates producers = new ProducerStates();
    int count = in.getInt();
    for (int i = 0; i < count; i++) {
      long id = in.getLong();
      short epoch = in.getShort();
      int n = in.getInt();
      List<ProducerStates.Appended> recent = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        recent.add(new ProducerStates.Appended(in.getInt(), in.getInt(), in.getLong(), in.getLong()));
      }
      producers.restore(id, epoch, recent);
    }
    return new LogState(logStart, next, lastSeqNr, cleanedTo, index, producers);
  }
}
