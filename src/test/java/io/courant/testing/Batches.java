package io.courant.testing;

import io.courant.log.internal.kafka.RecordBatches;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encoded record batches for tests. */
public final class Batches {
  private Batches() {}

  /** A batch of UTF-8 values from an idempotent producer (producer id -1: not idempotent). */
  public static byte[] idempotent(long producerId, short epoch, int baseSequence, String... values) {
    List<RecordBatches.Entry> entries = new ArrayList<>();
    for (String v : values) {
      entries.add(new RecordBatches.Entry(System.currentTimeMillis(), null, v.getBytes(StandardCharsets.UTF_8), List.of()));
    }
    ByteBuffer b = RecordBatches.build(entries, "none", producerId, epoch, baseSequence);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
