package io.courant.http.internal;

import io.courant.client.TopicPartition;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's HTTP counters: records and bytes produced and fetched per topic and partition, and
 * request latencies per endpoint (a histogram). {@link MetricsRoutes} writes them in Prometheus'
 * text format, with the gauges it reads at scrape time.
 */
public final class HttpMetrics {
  /** Upper bounds (seconds) of the latency histogram's buckets. */
  static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Counters of one topic partition. */
  static final class PartitionCounters {
    final LongAdder producedRecords = new LongAdder();
    final LongAdder producedBytes = new LongAdder();
    final LongAdder fetchedRecords = new LongAdder();
    final LongAdder fetchedBytes = new LongAdder();
  }

  /** A latency histogram of one endpoint and status class. */
  static final class Latency {
    final LongAdder[] buckets = new LongAdder[LATENCY_BUCKETS.length];
    final LongAdder count = new LongAdder();
    final LongAdder sumNanos = new LongAdder();

    Latency() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void observe(long nanos) {
      double seconds = nanos / 1e9;
      for (int i = 0; i < buckets.length; i++) {
        if (seconds <= LATENCY_BUCKETS[i]) {
          buckets[i].increment();
        }
      }
      count.increment();
      sumNanos.add(nanos);
    }
  }

  /** An endpoint (method and route template) and the response's status. */
  record EndpointKey(String method, String route, int status) implements Comparable<EndpointKey> {
    @Override
    public int compareTo(EndpointKey o) {
      return (route + method + status).compareTo(o.route + o.method + o.status);
    }
  }

  private final Map<TopicPartition, PartitionCounters> partitions = new ConcurrentHashMap<>();
  private final Map<EndpointKey, Latency> latencies = new ConcurrentHashMap<>();

  public void produced(String topic, int partition, int records, long bytes) {
    PartitionCounters c = counters(topic, partition);
    c.producedRecords.add(records);
    c.producedBytes.add(bytes);
  }

  public void fetched(String topic, int partition, int records, long bytes) {
    PartitionCounters c = counters(topic, partition);
    c.fetchedRecords.add(records);
    c.fetchedBytes.add(bytes);
  }

  public void request(String method, String route, int status, long nanos) {
    latencies.computeIfAbsent(new EndpointKey(method, route, status), k -> new Latency()).observe(nanos);
  }

  /** A partition's counters stop being reported (its topic was deleted). */
  public void forgetTopic(String topic) {
    partitions.keySet().removeIf(k -> k.topic().equals(topic));
  }

  private PartitionCounters counters(String topic, int partition) {
    return partitions.computeIfAbsent(new TopicPartition(topic, partition), k -> new PartitionCounters());
  }

  Map<TopicPartition, PartitionCounters> partitionCounters() {
    Map<TopicPartition, PartitionCounters> sorted = new TreeMap<>(Ordering.TOPIC_PARTITION);
    sorted.putAll(partitions);
    return sorted;
  }

  Map<EndpointKey, Latency> latencies() {
    return new TreeMap<>(latencies);
  }
}
