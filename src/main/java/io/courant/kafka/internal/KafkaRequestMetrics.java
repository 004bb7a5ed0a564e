package io.courant.kafka.internal;

import io.courant.log.PartitionMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * How long this node's Kafka listener takes to answer requests, per API (Kafka's {@code
 * RequestMetrics TotalTimeMs}, by {@code request=Produce, Fetch, ...}): from a request's frame
 * being read to its response being ready (a Fetch includes its long-poll wait). {@code GET
 * /metrics} writes them as {@code courant_kafka_request_duration_seconds}.
 */
public final class KafkaRequestMetrics implements Extension {
  /** Upper bounds (seconds) of the histogram's buckets (a Fetch may wait its max.wait, 500 ms by default). */
  public static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private static final ExtensionId<KafkaRequestMetrics> ID = new ExtensionId<>() {
    @Override
    public KafkaRequestMetrics createExtension(ActorSystem<?> system) {
      return new KafkaRequestMetrics();
    }
  };

  private final Map<String, PartitionMetrics.Histogram> byApi = new ConcurrentHashMap<>();

  public static KafkaRequestMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void observe(String api, long nanos) {
    byApi.computeIfAbsent(api, k -> new PartitionMetrics.Histogram(LATENCY_BUCKETS)).observe(nanos);
  }

  /** The latencies of each API answered so far, by Kafka's name of the API. */
  public Map<String, PartitionMetrics.Histogram> latencies() {
    return new TreeMap<>(byApi);
  }
}
