package io.courant.log.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The most recent journal events of a partition, kept in memory for hot reads, bounded in bytes. */
final class TailCache {
  private final long maxBytes;
  private final LinkedHashMap<Long, byte[]> events = new LinkedHashMap<>();
  private long bytes;

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  void put(long seqNr, byte[] batches) {
    if (batches.length > maxBytes) {
      return;
    }
    events.put(seqNr, batches);
    bytes += batches.length;
    Iterator<Map.Entry<Long, byte[]>> it = events.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= it.next().getValue().length;
      it.remove();
    }
  }

  byte[] get(long seqNr) {
    return events.get(seqNr);
  }
}
