package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.client.ConsumerSettings;
import io.courant.client.CourantConsumer;
import io.courant.client.ProducerRecord;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The v3 admin API over real HTTP: clusters, brokers, topics, configs, partitions, consumer groups, lags, offset reset. */
class AdminRoutesTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();
  static final String JSON = "application/json";
  static final String CLUSTER = "/v3/clusters/courant";

  @Test
  void describesTheClusterAndItsNodes() {
    JsonNode clusters = node.get("/v3/clusters").json();
    assertEquals("KafkaClusterList", clusters.get("kind").asText());
    JsonNode cluster = clusters.get("data").get(0);
    assertEquals("courant", cluster.get("cluster_id").asText());
    assertEquals(node.uri(CLUSTER).toString(), cluster.get("metadata").get("self").asText());
    assertEquals(node.uri(CLUSTER + "/topics").toString(), cluster.get("topics").get("related").asText());

    JsonNode brokers = node.get(CLUSTER + "/brokers").json().get("data");
    assertEquals(1, brokers.size());
    assertEquals("Up", brokers.get(0).get("status").asText());
    assertTrue(brokers.get(0).get("self").asBoolean());

    var other = node.get("/v3/clusters/elsewhere/topics");
    assertEquals(404, other.status());
    assertTrue(other.contentType().startsWith(JSON), other.contentType());
    assertEquals(404, other.errorCode());
  }

  @Test
  void listsThePartitionsEachNodeHosts() {
    String topic = node.topicWithRecords("hosted", 3, 6);   // every partition written: each entity has started
    int id = node.get(CLUSTER + "/brokers").json().get("data").get(0).get("broker_id").asInt();
    JsonNode broker = node.get(CLUSTER + "/brokers/" + id).json();
    assertEquals("KafkaBroker", broker.get("kind").asText());
    assertEquals(node.uri(CLUSTER + "/brokers/" + id + "/partition-replicas").toString(),
        broker.get("partition_replicas").get("related").asText());
    assertEquals(id, node.get(CLUSTER + "/topics/" + topic + "/partitions/1").json().get("leader_id").asInt(), "the partition's leader");

    JsonNode replicas = node.get(CLUSTER + "/brokers/" + id + "/partition-replicas").json();
    assertEquals("KafkaReplicaList", replicas.get("kind").asText());
    List<Integer> hosted = new java.util.ArrayList<>();
    replicas.get("data").forEach(r -> {
      assertEquals("KafkaReplica", r.get("kind").asText());
      assertEquals(id, r.get("broker_id").asInt());
      assertTrue(r.get("is_leader").asBoolean());
      if (r.get("topic_name").asText().equals(topic)) {
        hosted.add(r.get("partition_id").asInt());
      }
    });
    assertEquals(List.of(0, 1, 2), hosted);

    var missing = node.get(CLUSTER + "/brokers/" + (id + 1) + "/partition-replicas");
    assertEquals(404, missing.status());
    assertTrue(missing.json().get("message").asText().contains("brokers are " + id), missing.body());
  }

  @Test
  void createsGrowsConfiguresAndDeletesTopics() {
    String topic = TestNode.uniqueTopic("v3-topic");
    var created = node.post(CLUSTER + "/topics", JSON,
        "{\"topic_name\":\"" + topic + "\",\"partitions_count\":2,\"configs\":[{\"name\":\"retention.ms\",\"value\":\"100000\"}]}");
    assertEquals(201, created.status(), created.toString());
    JsonNode t = created.json();
    assertEquals("KafkaTopic", t.get("kind").asText());
    assertEquals(node.uri(CLUSTER + "/topics/" + topic).toString(), t.get("metadata").get("self").asText());
    assertEquals(node.uri(CLUSTER + "/topics/" + topic + "/partitions").toString(), t.get("partitions").get("related").asText());
    assertEquals(2, t.get("partitions_count").asInt());
    assertEquals(409, node.post(CLUSTER + "/topics", JSON, "{\"topic_name\":\"" + topic + "\"}").status());

    assertTrue(node.get(CLUSTER + "/topics").json().get("data").findValuesAsText("topic_name").contains(topic));

    var grown = node.send(HttpRequest.newBuilder(node.uri(CLUSTER + "/topics/" + topic)).header("Content-Type", JSON)
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"partitions_count\":4}")));
    assertEquals(200, grown.status(), grown.toString());
    assertEquals(4, grown.json().get("partitions_count").asInt());
    var shrink = node.send(HttpRequest.newBuilder(node.uri(CLUSTER + "/topics/" + topic)).header("Content-Type", JSON)
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"partitions_count\":3}")));
    assertEquals(422, shrink.status(), shrink.toString());

    JsonNode configs = node.get(CLUSTER + "/topics/" + topic + "/configs").json();
    assertEquals("KafkaTopicConfigList", configs.get("kind").asText());
    JsonNode retention = config(configs, "retention.ms");
    assertEquals("100000", retention.get("value").asText());
    assertFalse(retention.get("is_default").asBoolean());
    assertTrue(config(configs, "max.message.bytes").get("is_default").asBoolean());

    assertEquals(204, node.post(CLUSTER + "/topics/" + topic + "/configs:alter", JSON,
        "{\"data\":[{\"name\":\"retention.ms\",\"value\":\"200000\"},{\"name\":\"cleanup.policy\",\"value\":\"compact\"}]}").status());
    assertEquals("200000", node.get(CLUSTER + "/topics/" + topic + "/configs/retention.ms").json().get("value").asText());
    var bad = node.post(CLUSTER + "/topics/" + topic + "/configs:alter", JSON,
        "{\"data\":[{\"name\":\"retention.ms\",\"value\":\"300000\"},{\"name\":\"cleanup.policy\",\"value\":\"shred\"}]}");
    assertEquals(422, bad.status(), bad.toString());
    assertEquals("200000", node.get(CLUSTER + "/topics/" + topic + "/configs/retention.ms").json().get("value").asText(),
        "a refused alter changes nothing");
    assertEquals(404, node.get(CLUSTER + "/topics/" + topic + "/configs/no.such.config").status());

    assertEquals(204, node.delete(CLUSTER + "/topics/" + topic).status());
    var gone = node.get(CLUSTER + "/topics/" + topic);
    assertEquals(404, gone.status());
    assertEquals(40401, gone.errorCode());
  }

  @Test
  void listsPartitionsWithTheirOffsets() {
    String topic = node.topicWithRecords("v3-partitions", 2, 5);
    JsonNode partitions = node.get(CLUSTER + "/topics/" + topic + "/partitions").json();
    assertEquals("KafkaPartitionList", partitions.get("kind").asText());
    assertEquals(2, partitions.get("data").size());
    assertEquals(3, partitions.get("data").get(0).get("latest_offset").asLong());
    JsonNode one = node.get(CLUSTER + "/topics/" + topic + "/partitions/1").json();
    assertEquals(0, one.get("earliest_offset").asLong());
    assertEquals(2, one.get("latest_offset").asLong());
    assertEquals(node.uri(CLUSTER + "/topics/" + topic + "/partitions/1").toString(), one.get("metadata").get("self").asText());
    assertEquals(40402, node.get(CLUSTER + "/topics/" + topic + "/partitions/9").errorCode());
  }

  @Test
  void describesConsumerGroupsTheirLagAndResetsAnEmptyOne() {
    String topic = node.topicWithRecords("v3-groups", 1, 4);
    String group = "v3-" + UUID.randomUUID();
    String path = CLUSTER + "/consumer-groups/" + group;
    assertEquals(40404, node.get(path).errorCode());

    try (CourantConsumer consumer = new CourantConsumer(node.system(),
        ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("enable.auto.commit", "false"))) {
      consumer.subscribe(List.of(topic));
      Await.until("the consumer read the 4 records", Duration.ofSeconds(30), new java.util.concurrent.Callable<>() {
        int read;

        @Override
        public Boolean call() {
          read += consumer.poll(Duration.ofMillis(200)).size();
          return read == 4;
        }
      });
      consumer.commitSync();
      TestNode.await(node.courant().sendAll(List.of(ProducerRecord.of(topic, null, "late").withPartition(0)), Partition.Acks.ALL));

      JsonNode g = node.get(path).json();
      assertEquals("KafkaConsumerGroup", g.get("kind").asText());
      assertEquals("STABLE", g.get("state").asText());
      assertTrue(node.get(CLUSTER + "/consumer-groups").json().get("data").findValuesAsText("consumer_group_id").contains(group));
      JsonNode consumers = node.get(path + "/consumers").json().get("data");
      assertEquals(1, consumers.size());
      String consumerId = consumers.get(0).get("consumer_id").asText();
      JsonNode assignments = node.get(path + "/consumers/" + consumerId + "/assignments").json().get("data");
      assertEquals(topic, assignments.get(0).get("topic_name").asText());
      assertEquals(consumerId, node.get(path + "/consumers/" + consumerId).json().get("consumer_id").asText());

      JsonNode lag = node.get(path + "/lags").json().get("data").get(0);
      assertEquals(4, lag.get("current_offset").asLong());
      assertEquals(5, lag.get("log_end_offset").asLong());
      assertEquals(1, lag.get("lag").asLong());
      assertEquals(consumerId, lag.get("consumer_id").asText());
      JsonNode summary = node.get(path + "/lag-summary").json();
      assertEquals(1, summary.get("total_lag").asLong());
      assertEquals(topic, summary.get("max_lag_topic_name").asText());

      var busy = node.post(path + "/offsets:reset", JSON, "{\"to\":\"earliest\"}");
      assertEquals(409, busy.status(), busy.toString());
      assertEquals(409, node.delete(path).status());
    }
    Await.until("the group is empty", Duration.ofSeconds(30), () -> node.get(path).json().get("state").asText().equals("EMPTY"));
    var reset = node.post(path + "/offsets:reset", JSON, "{\"to\":\"earliest\",\"topics\":[\"" + topic + "\"]}");
    assertEquals(200, reset.status(), reset.toString());
    assertEquals(0, reset.json().get("data").get(0).get("offset").asLong());
    assertEquals(5, node.get(path + "/lag-summary").json().get("total_lag").asLong());
    assertEquals(422, node.post(path + "/offsets:reset", JSON, "{\"to\":\"yesterday\"}").status());

    assertEquals(204, node.delete(path).status());
    assertEquals(404, node.get(path).status());
  }

  private static JsonNode config(JsonNode list, String name) {
    for (JsonNode c : list.get("data")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no config " + name + " in " + list);
  }
}
