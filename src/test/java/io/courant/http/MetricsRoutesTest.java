package io.courant.http;

import static io.courant.http.HttpNode.TEXT_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics in Prometheus' text format, with figures that follow what was done through the API. */
class MetricsRoutesTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();
  /** A sample line of the text format: name, optional labels, a number. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.eE+-]+|\\+Inf|-Inf|NaN)");

  @Test
  void reportsProduceFetchOffsetsLagsLatenciesAndHealth() {
    String topic = TestNode.uniqueTopic("http-metrics");
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}").status());
    assertEquals(200, node.post("/topics/" + topic, TEXT_V2, "{\"records\":[{\"value\":\"aaaa\"},{\"value\":\"bbbb\"},{\"value\":\"cccc\"}]}").status());
    String group = "m-" + UUID.randomUUID();
    TestNode.await(node.courant().commitOffsets(group, Map.of(new TopicPartition(topic, 0), OffsetAndMetadata.of(1))));
    var created = node.post("/consumers/" + group, V2, "{\"name\":\"m\",\"format\":\"text\",\"enable.auto.commit\":false}");
    String instance = "/consumers/" + group + "/instances/m";
    assertEquals(200, created.status());
    assertEquals(204, node.post(instance + "/assignments", V2, "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
    Await.until("the consumer polled the 2 records after the commit", Duration.ofSeconds(30),
        () -> node.get(instance + "/records?timeout=200", TEXT_V2).json().size() > 0);
    assertEquals(204, node.delete(instance).status());

    var response = node.get("/metrics");
    assertEquals(200, response.status());
    assertTrue(response.contentType().startsWith("text/plain; version=0.0.4"), response.contentType());
    List<String> lines = response.body().lines().toList();
    for (String line : lines) {
      assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches(), "a valid line: " + line);
    }
    String tp = "{topic=\"" + topic + "\",partition=\"0\"}";
    assertTrue(lines.contains("courant_http_produced_records_total" + tp + " 3"), response.body());
    assertTrue(lines.contains("courant_http_produced_bytes_total" + tp + " 12"));
    assertTrue(lines.contains("courant_http_fetched_records_total" + tp + " 2"));
    assertTrue(lines.contains("courant_log_start_offset" + tp + " 0"));
    assertTrue(lines.contains("courant_log_end_offset" + tp + " 3"));
    String gtp = "{group=\"" + group + "\",topic=\"" + topic + "\",partition=\"0\"}";
    assertTrue(lines.contains("courant_group_committed_offset" + gtp + " 1"));
    assertTrue(lines.contains("courant_group_lag" + gtp + " 2"));
    assertTrue(lines.contains("courant_group_lag_total{group=\"" + group + "\"} 2"));
    assertTrue(lines.contains("courant_node_up 1"));
    assertTrue(lines.contains("courant_cassandra_up 1"));
    assertTrue(lines.contains("courant_cluster_members{status=\"Up\"} 1"));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(
        "courant_http_request_duration_seconds_count{method=\"POST\",route=\"/topics/{topicname}\",status=\"200\"} ")), response.body());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("courant_http_request_duration_seconds_bucket{method=\"POST\","
        + "route=\"/topics/{topicname}\",status=\"200\",le=\"+Inf\"} ")));
  }

  @Test
  void countsEverySurfacesTrafficPerPartition() {
    String topic = TestNode.uniqueTopic("http-metrics-all");
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}").status());
    assertEquals(200, node.post("/topics/" + topic, TEXT_V2, "{\"records\":[{\"value\":\"a\"},{\"value\":\"b\"},{\"value\":\"c\"}]}").status());
    TestNode.await(node.courant().sendAll(List.of(ProducerRecord.of(topic, null, "d"), ProducerRecord.of(topic, null, "e")), Partition.Acks.ALL));
    TopicPartition tp0 = new TopicPartition(topic, 0);
    assertEquals(5, TestNode.await(node.courant().fetch(tp0, 0, 1 << 20, Duration.ZERO)).records().size());

    List<String> lines = node.get("/metrics").body().lines().toList();
    String tp = "{topic=\"" + topic + "\",partition=\"0\"}";
    assertTrue(lines.contains("courant_partition_appended_records_total" + tp + " 5"), String.join("\n", lines));
    assertTrue(lines.contains("courant_partition_fetched_records_total" + tp + " 5"));
    assertTrue(lines.contains("courant_http_produced_records_total" + tp + " 3"), "the HTTP share alone");
    long appendedBytes = sample(lines, "courant_partition_appended_bytes_total" + tp);
    assertTrue(appendedBytes > 5, "record batches, headers included: " + appendedBytes);
    assertEquals(appendedBytes, sample(lines, "courant_partition_fetched_bytes_total" + tp), "the two batches read back whole");
    assertTrue(sample(lines, "courant_partition_append_duration_seconds_count") >= 2);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("courant_partition_append_duration_seconds_bucket{le=\"+Inf\"} ")));
  }

  private static long sample(List<String> lines, String series) {
    return lines.stream().filter(l -> l.startsWith(series + " ")).map(l -> (long) Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no sample " + series));
  }
}
