package io.courant.log.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One partition's share of the node's {@link EventCache}: the events it put there, oldest first,
 * bounded in bytes for this partition. The node-wide cache may drop an event first (it is bounded
 * for all partitions together); a miss is read back from the journal. Confined to the partition's
 * actor.
 */
final class TailCache {
  private final EventCache shared;
  private final long maxBytes;
  /** Sequence number to size of the events this partition put in the shared cache, oldest first. */
  private final LinkedHashMap<Long, Integer> sizes = new LinkedHashMap<>();
  private long bytes;

  TailCache(EventCache shared, long maxBytes) {
    this.shared = shared;
    this.maxBytes = maxBytes;
  }

  void put(long seqNr, byte[] event) {
    if (event.length > maxBytes) {
      return;
    }
    Integer previous = sizes.put(seqNr, event.length);
    bytes += event.length - (previous == null ? 0 : previous);
    shared.put(this, seqNr, event);
    Iterator<Map.Entry<Long, Integer>> it = sizes.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Long, Integer> oldest = it.next();
      bytes -= oldest.getValue();
      shared.remove(this, oldest.getKey());
      it.remove();
    }
  }

  byte[] get(long seqNr) {
    return sizes.containsKey(seqNr) ? shared.get(this, seqNr) : null;
  }

  /** Gives this partition's events back to the node (the partition stops). */
  void clear() {
    for (Long seqNr : sizes.keySet()) {
      shared.remove(this, seqNr);
    }
    sizes.clear();
    bytes = 0;
  }
}
