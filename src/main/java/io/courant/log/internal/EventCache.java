package io.courant.log.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The journal events every partition of this node keeps in memory (recent ones for readers near the
 * end of the log, read-ahead ones for readers working through old data), bounded in bytes for the
 * whole node by {@code courant.log.cache-max-bytes}. Without a node-wide bound each partition's own
 * limits add up: a few hundred partitions read from the start would fill any heap. Kafka leans on
 * the operating system's page cache for the same job; this is its counterpart on the JVM heap.
 */
public final class EventCache implements Extension {
  private static final ExtensionId<EventCache> ID = new ExtensionId<>() {
    @Override
    public EventCache createExtension(ActorSystem<?> system) {
      return new EventCache(maxBytes(system.settings().config().getConfig("courant.log")));
    }
  };

  /** What one cached event costs beyond its bytes (key, entry and array headers), roughly. */
  private static final int ENTRY_OVERHEAD = 96;

  public static EventCache get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * {@code courant.log.cache-max-bytes}: a size, or {@code auto} for a quarter of the JVM's maximum
   * heap.
   */
  public static long maxBytes(Config courantLog) {
    String key = "cache-max-bytes";
    if (courantLog.hasPath(key) && "auto".equals(courantLog.getValue(key).unwrapped())) {
      return Runtime.getRuntime().maxMemory() / 4;
    }
    long bytes;
    try {
      bytes = courantLog.getBytes(key);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("courant.log." + key + " must be a size >= 0 (e.g. 512 MiB; 0 turns caching off) or auto, not "
          + courantLog.getValue(key).render(), e);
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("courant.log." + key + " must be a size >= 0 (0 turns caching off), not " + bytes);
    }
    return bytes;
  }

  /** One cached event: whose it is (a partition's cache, by identity) and its sequence number. */
  record Key(Object owner, long seqNr) {}

  private final long maxBytes;
  private final Cache<Key, byte[]> events;

  EventCache(long maxBytes) {
    this.maxBytes = maxBytes;
    // Maintenance (eviction) runs on the writing thread, so the bound holds as soon as a put returns.
    this.events = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, byte[] v) -> v.length + ENTRY_OVERHEAD)
        .executor(Runnable::run)
        .build();
  }

  /** The node-wide bound, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** What the cached events weigh now, in bytes (at most {@link #maxBytes()}). */
  public long weightedBytes() {
    return events.policy().eviction().orElseThrow().weightedSize().orElse(0L);
  }

  void put(Object owner, long seqNr, byte[] event) {
    if (maxBytes > 0) {
      events.put(new Key(owner, seqNr), event);
    }
  }

  byte[] get(Object owner, long seqNr) {
    return events.getIfPresent(new Key(owner, seqNr));
  }

  void remove(Object owner, long seqNr) {
    events.invalidate(new Key(owner, seqNr));
  }
}
