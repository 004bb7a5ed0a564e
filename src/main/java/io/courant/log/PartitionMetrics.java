package io.courant.log;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * This node's partition counters, whatever the surface the requests came through (Java API, Kafka
 * protocol, HTTP, streams): records and bytes appended and fetched per topic partition hosted
 * here, and how long appends take from arrival to acknowledgement. Counted by the partition
 * entities themselves; {@code GET /metrics} writes them. Counters are per node and only grow
 * (Prometheus' counters): a partition that moves to another node goes on counting there.
 */
public final class PartitionMetrics implements Extension {
  /** Upper bounds (seconds) of the append latency histogram's buckets. */
  public static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private static final ExtensionId<PartitionMetrics> ID = new ExtensionId<>() {
    @Override
    public PartitionMetrics createExtension(ActorSystem<?> system) {
      return new PartitionMetrics();
    }
  };

  public static PartitionMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** A topic partition's name as metrics label it. */
  public record Key(String topic, int partition) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = topic.compareTo(o.topic);
      return c != 0 ? c : Integer.compare(partition, o.partition);
    }
  }

  /** Counters of one partition. */
  public static final class Counters {
    public final LongAdder appendedRecords = new LongAdder();
    public final LongAdder appendedBytes = new LongAdder();
    public final LongAdder fetchedRecords = new LongAdder();
    public final LongAdder fetchedBytes = new LongAdder();
  }

  /** A latency histogram (cumulative buckets, as Prometheus wants them). */
  public static final class Histogram {
    /** Upper bounds of the buckets, in seconds. */
    public final double[] bounds;
    public final LongAdder[] buckets;
    public final LongAdder count = new LongAdder();
    public final LongAdder sumNanos = new LongAdder();

    public Histogram(double[] bounds) {
      this.bounds = bounds.clone();
      this.buckets = new LongAdder[bounds.length];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    public void observe(long nanos) {
      double seconds = nanos / 1e9;
      for (int i = 0; i < buckets.length; i++) {
        if (seconds <= bounds[i]) {
          buckets[i].increment();
        }
      }
      count.increment();
      sumNanos.add(nanos);
    }
  }

  private final Map<Key, Counters> partitions = new ConcurrentHashMap<>();
  private final Histogram appendLatency = new Histogram(LATENCY_BUCKETS);

  private PartitionMetrics() {}

  /** The counters of a partition (created on first use). */
  public Counters partition(String topic, int partition) {
    return partitions.computeIfAbsent(new Key(topic, partition), k -> new Counters());
  }

  /** A deleted topic's counters stop being reported. */
  public void forgetTopic(String topic) {
    partitions.keySet().removeIf(k -> k.topic().equals(topic));
  }

  /** Every partition's counters, in topic and partition order. */
  public Map<Key, Counters> partitions() {
    return new TreeMap<>(partitions);
  }

  /** Append latency: from the partition receiving an append to its reply (after the journal write for acks 1 / all). */
  public Histogram appendLatency() {
    return appendLatency;
  }
}
