package io.courant.http.internal;

import io.courant.client.TopicPartition;
import io.courant.log.PartitionMetrics;
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

  /** An endpoint (method and route template) and the response's status. */
  record EndpointKey(String method, String route, int status) implements Comparable<EndpointKey> {
    @Override
    public int compareTo(EndpointKey o) {
      return (route + method + status).compareTo(o.route + o.method + o.status);
    }
  }

  private final Map<TopicPartition, PartitionCounters> partitions = new ConcurrentHashMap<>();
  private final Map<EndpointKey, PartitionMetrics.Histogram> latencies = new ConcurrentHashMap<>();

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
    latencies.computeIfAbsent(new EndpointKey(method, route, status), k -> new PartitionMetrics.Histogram(LATENCY_BUCKETS)).observe(nanos);
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

  Map<EndpointKey, PartitionMetrics.Histogram> latencies() {
    return new TreeMap<>(latencies);
  }
}
