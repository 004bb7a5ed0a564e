package io.courant.http.internal;

import io.courant.client.Courant;
import io.courant.client.TopicPartition;
import io.courant.group.GroupLag;
import io.courant.http.HealthRoutes;
import io.courant.kafka.internal.KafkaRequestMetrics;
import io.courant.log.Partition;
import io.courant.log.PartitionMetrics;
import io.courant.topic.TopicDescription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /metrics} in Prometheus' text format: this node's HTTP produce and fetch counters per
 * partition and its request latencies ({@link HttpMetrics}), and, read at scrape time, every
 * partition's log start / end offset and size, every group's committed offsets and lag, the
 * cluster's members and whether Cassandra answers. A part that cannot be read (Cassandra down) is
 * left out and counted in {@code courant_metrics_scrape_errors}; the scrape itself still answers.
 */
public final class MetricsRoutes extends AllDirectives {
  private static final ContentType TEXT = ContentTypes.parse(PrometheusText.CONTENT_TYPE);
  private static final int PARALLELISM = 8;

  private final ActorSystem<?> system;
  private final HttpMetrics metrics;
  private final HealthRoutes health;
  private final Courant courant;

  public MetricsRoutes(ActorSystem<?> system, HttpMetrics metrics, HealthRoutes health) {
    this.system = system;
    this.metrics = metrics;
    this.health = health;
    this.courant = Courant.get(system);
  }

  public Route routes() {
    return path("metrics", () -> get(() -> completeWithFuture(scrape().thenApply(text ->
        HttpResponse.create().withEntity(HttpEntities.create(TEXT, text.getBytes(StandardCharsets.UTF_8)))))));
  }

  private record Scraped(boolean cassandraUp, Map<TopicPartition, Partition.LogStatus> logs, List<GroupLag> lags, int errors) {}

  CompletionStage<String> scrape() {
    CompletableFuture<Boolean> cassandra = health.cassandraReachable().toCompletableFuture();
    // Bounded: with Cassandra down, a scrape answers in time with what it has.
    long timeout = courant.settings().requestTimeout().toMillis();
    CompletableFuture<Map<TopicPartition, Partition.LogStatus>> logs = logs().toCompletableFuture().orTimeout(timeout, TimeUnit.MILLISECONDS);
    CompletableFuture<List<GroupLag>> lags = lags().toCompletableFuture().orTimeout(timeout, TimeUnit.MILLISECONDS);
    return CompletableFuture.allOf(cassandra, logs.handle((v, t) -> v), lags.handle((v, t) -> v)).thenApply(v -> {
      int errors = (logs.isCompletedExceptionally() ? 1 : 0) + (lags.isCompletedExceptionally() ? 1 : 0);
      return write(new Scraped(cassandra.join(), logs.isCompletedExceptionally() ? Map.of() : logs.join(),
          lags.isCompletedExceptionally() ? List.of() : lags.join(), errors));
    });
  }

  private CompletionStage<Map<TopicPartition, Partition.LogStatus>> logs() {
    return courant.listTopics().thenCompose(topics -> {
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicDescription t : topics) {
        for (int p = 0; p < t.partitions(); p++) {
          partitions.add(new TopicPartition(t.name(), p));
        }
      }
      return Source.from(partitions)
          .mapAsync(PARALLELISM, tp -> courant.logStatus(tp).thenApply(s -> Map.entry(tp, s)))
          .runWith(Sink.seq(), system);
    }).thenApply(entries -> {
      Map<TopicPartition, Partition.LogStatus> out = new TreeMap<>(Ordering.TOPIC_PARTITION);
      entries.forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    });
  }

  private CompletionStage<List<GroupLag>> lags() {
    return courant.listGroups().thenCompose(groups -> Source.from(groups)
        .mapAsync(PARALLELISM, courant::groupLag)
        .runWith(Sink.seq(), system));
  }

  private String write(Scraped s) {
    PrometheusText out = new PrometheusText();
    out.family("courant_node_up", "gauge", "1 while this node is an Up member of its cluster").sample("courant_node_up", health.joined() ? 1 : 0);
    out.family("courant_cassandra_up", "gauge", "1 if the journal's Cassandra answered a health query within 2 s")
        .sample("courant_cassandra_up", s.cassandraUp() ? 1 : 0);
    out.family("courant_cluster_members", "gauge", "cluster members by status");
    Map<String, Integer> byStatus = new TreeMap<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      byStatus.merge(m.status().toString(), 1, Integer::sum);
    }
    byStatus.forEach((status, n) -> out.sample("courant_cluster_members", n, "status", status));
    out.family("courant_metrics_scrape_errors", "gauge", "parts of this scrape that could not be read")
        .sample("courant_metrics_scrape_errors", s.errors());

    writeCounters(out);
    writePartitionCounters(out);
    writeLogs(out, s.logs());
    writeLags(out, s.lags());
    writeLatencies(out);
    return out.toString();
  }

  private void writeCounters(PrometheusText out) {
    Map<TopicPartition, HttpMetrics.PartitionCounters> counters = metrics.partitionCounters();
    counter(out, counters, "courant_http_produced_records_total", "records produced through this node's HTTP API", c -> c.producedRecords.sum());
    counter(out, counters, "courant_http_produced_bytes_total", "key and value bytes produced through this node's HTTP API", c -> c.producedBytes.sum());
    counter(out, counters, "courant_http_fetched_records_total", "records polled through this node's HTTP API", c -> c.fetchedRecords.sum());
    counter(out, counters, "courant_http_fetched_bytes_total", "key and value bytes polled through this node's HTTP API", c -> c.fetchedBytes.sum());
  }

  /** Every surface's traffic (Java API, Kafka protocol, HTTP, streams), as the partitions hosted here counted it. */
  private void writePartitionCounters(PrometheusText out) {
    Map<PartitionMetrics.Key, PartitionMetrics.Counters> counters = PartitionMetrics.get(system).partitions();
    partitionCounter(out, counters, "courant_partition_appended_records_total",
        "records appended to a partition while this node hosted it, through any surface", c -> c.appendedRecords.sum());
    partitionCounter(out, counters, "courant_partition_appended_bytes_total",
        "record batch bytes appended to a partition while this node hosted it", c -> c.appendedBytes.sum());
    partitionCounter(out, counters, "courant_partition_fetched_records_total",
        "records (offsets) fetched from a partition while this node hosted it, through any surface", c -> c.fetchedRecords.sum());
    partitionCounter(out, counters, "courant_partition_fetched_bytes_total",
        "record batch bytes fetched from a partition while this node hosted it", c -> c.fetchedBytes.sum());
    String name = "courant_partition_append_duration_seconds";
    out.family(name, "histogram", "from a partition receiving an append to its acknowledgement (after the journal write unless acks=0)");
    histogram(out, name, PartitionMetrics.get(system).appendLatency());
  }

  private static void partitionCounter(PrometheusText out, Map<PartitionMetrics.Key, PartitionMetrics.Counters> counters, String name,
      String help, java.util.function.ToLongFunction<PartitionMetrics.Counters> value) {
    out.family(name, "counter", help);
    counters.forEach((k, c) -> out.sample(name, value.applyAsLong(c), "topic", k.topic(), "partition", Integer.toString(k.partition())));
  }

  private static void counter(PrometheusText out, Map<TopicPartition, HttpMetrics.PartitionCounters> counters, String name,
      String help, java.util.function.ToLongFunction<HttpMetrics.PartitionCounters> value) {
    out.family(name, "counter", help);
    counters.forEach((k, c) -> out.sample(name, value.applyAsLong(c), "topic", k.topic(), "partition", Integer.toString(k.partition())));
  }

  private static void writeLogs(PrometheusText out, Map<TopicPartition, Partition.LogStatus> logs) {
    out.family("courant_log_start_offset", "gauge", "first readable offset of a partition");
    logs.forEach((tp, s) -> out.sample("courant_log_start_offset", s.logStartOffset(), labels(tp)));
    out.family("courant_log_end_offset", "gauge", "log end offset of a partition (the next offset to be written)");
    logs.forEach((tp, s) -> out.sample("courant_log_end_offset", s.highWatermark(), labels(tp)));
    out.family("courant_log_size_bytes", "gauge", "stored bytes of a partition");
    logs.forEach((tp, s) -> out.sample("courant_log_size_bytes", s.sizeInBytes(), labels(tp)));
  }

  private static void writeLags(PrometheusText out, List<GroupLag> lags) {
    out.family("courant_group_committed_offset", "gauge", "a group's committed offset of a partition");
    lags.forEach(g -> g.partitions().forEach((tp, l) -> out.sample("courant_group_committed_offset", l.committed(), groupLabels(g, tp))));
    out.family("courant_group_lag", "gauge", "log end offset minus a group's committed offset");
    lags.forEach(g -> g.partitions().forEach((tp, l) -> out.sample("courant_group_lag", l.lag(), groupLabels(g, tp))));
    out.family("courant_group_lag_total", "gauge", "a group's lag over all its partitions");
    lags.forEach(g -> out.sample("courant_group_lag_total", g.totalLag(), "group", g.groupId()));
  }

  private void writeLatencies(PrometheusText out) {
    String name = "courant_http_request_duration_seconds";
    out.family(name, "histogram", "HTTP request latencies by method, documented route and status");
    metrics.latencies().forEach((k, h) -> histogram(out, name, h, "method", k.method(), "route", k.route(), "status",
        Integer.toString(k.status())));
    String kafka = "courant_kafka_request_duration_seconds";
    out.family(kafka, "histogram", "Kafka protocol request latencies by API (Kafka's request name), from the frame read to the response ready");
    KafkaRequestMetrics.get(system).latencies().forEach((api, h) -> histogram(out, kafka, h, "request", api));
  }

  private static void histogram(PrometheusText out, String name, PartitionMetrics.Histogram h, String... labels) {
    for (int i = 0; i < h.bounds.length; i++) {
      out.sample(name + "_bucket", h.buckets[i].sum(), with(labels, "le", Double.toString(h.bounds[i])));
    }
    out.sample(name + "_bucket", h.count.sum(), with(labels, "le", "+Inf"));
    out.sample(name + "_sum", h.sumNanos.sum() / 1e9, labels);
    out.sample(name + "_count", h.count.sum(), labels);
  }

  private static String[] with(String[] labels, String name, String value) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
    out[labels.length] = name;
    out[labels.length + 1] = value;
    return out;
  }

  private static String[] labels(TopicPartition tp) {
    return new String[] {"topic", tp.topic(), "partition", Integer.toString(tp.partition())};
  }

  private static String[] groupLabels(GroupLag g, TopicPartition tp) {
    return new String[] {"group", g.groupId(), "topic", tp.topic(), "partition", Integer.toString(tp.partition())};
  }
}
