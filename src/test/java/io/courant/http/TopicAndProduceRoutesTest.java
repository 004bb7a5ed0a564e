package io.courant.http;

import static io.courant.http.HttpNode.BINARY_V2;
import static io.courant.http.HttpNode.JSON_V2;
import static io.courant.http.HttpNode.TEXT_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.NewTopic;
import io.courant.client.Partitioner;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge's topic, partition and produce endpoints, and POST /admin/topics, over real HTTP. */
class TopicAndProduceRoutesTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode(ConfigFactory.parseString("courant.http.max-request-bytes = 64 KiB"));

  @Test
  void createsListsAndDescribesTopics() {
    String topic = TestNode.uniqueTopic("http-admin");
    var created = node.post("/admin/topics", V2,
        "{\"topic_name\":\"" + topic + "\",\"partitions_count\":3,\"replication_factor\":1,\"configs\":{\"retention.ms\":\"60000\"}}");
    assertEquals(201, created.status(), created.toString());

    var list = node.get("/topics");
    assertEquals(200, list.status());
    assertTrue(list.contentType().startsWith(V2), list.contentType());
    assertTrue(list.json().toString().contains("\"" + topic + "\""), list.body());

    JsonNode described = node.get("/topics/" + topic).json();
    assertEquals(topic, described.get("name").asText());
    assertEquals("60000", described.get("configs").get("retention.ms").asText());
    assertEquals(3, described.get("partitions").size());
    assertEquals(2, described.get("partitions").get(2).get("partition").asInt());
  }

  @Test
  void refusesBadTopicCreations() {
    String topic = TestNode.uniqueTopic("http-admin-bad");
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}").status());
    var again = node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}");
    assertEquals(409, again.status(), again.toString());
    assertEquals(40901, again.errorCode());
    var badName = node.post("/admin/topics", V2, "{\"topic_name\":\"no spaces allowed\",\"partitions_count\":1}");
    assertEquals(422, badName.status(), badName.toString());
    var noName = node.post("/admin/topics", V2, "{\"partitions_count\":1}");
    assertEquals(400, noName.status(), noName.toString());
    var badPartitions = node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "-x\",\"partitions_count\":0}");
    assertEquals(422, badPartitions.status(), badPartitions.toString());
    var badConfig = node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "-y\",\"configs\":{\"retention.ms\":\"soon\"}}");
    assertEquals(422, badConfig.status(), badConfig.toString());
  }

  @Test
  void describesPartitionsAndTheirOffsets() {
    String topic = node.topicWithRecords("http-partitions", 2, 5);
    JsonNode partitions = node.get("/topics/" + topic + "/partitions").json();
    assertEquals(2, partitions.size());
    int self = node.get("/v3/clusters/courant/brokers").json().get("data").get(0).get("broker_id").asInt();
    assertEquals(self, partitions.get(0).get("leader").asInt(), "the only node leads every partition");
    assertEquals(self, partitions.get(0).get("replicas").get(0).get("broker").asInt());
    assertEquals(1, node.get("/topics/" + topic + "/partitions/1").json().get("partition").asInt());
    JsonNode offsets = node.get("/topics/" + topic + "/partitions/0/offsets").json();
    assertEquals(0, offsets.get("beginning_offset").asLong());
    assertEquals(3, offsets.get("end_offset").asLong());
  }

  @Test
  void unknownTopicsAndPartitionsAre404() {
    String topic = node.topicWithRecords("http-404", 1, 1);
    var noTopic = node.get("/topics/no-such-topic-" + System.nanoTime());
    assertEquals(404, noTopic.status());
    assertEquals(40401, noTopic.errorCode());
    var noPartition = node.get("/topics/" + topic + "/partitions/7");
    assertEquals(404, noPartition.status());
    assertEquals(40402, noPartition.errorCode());
    assertEquals(40402, node.get("/topics/" + topic + "/partitions/7/offsets").errorCode());
    var produce = node.post("/topics/no-such-topic-" + System.nanoTime(), JSON_V2, "{\"records\":[{\"value\":1}]}");
    assertEquals(404, produce.status());
    assertEquals(40401, produce.errorCode());
  }

  @Test
  void producesJsonRecordsWithOneResultPerRecordInOrder() {
    String topic = newTopic("http-json", 3);
    String key = keyNotIn(2, 3); // a JSON key is stored as its JSON text
    var response = node.post("/topics/" + topic, JSON_V2, "{\"records\":["
        + "{\"key\":\"" + key + "\",\"value\":{\"n\":1}},"
        + "{\"value\":[1,2,3],\"partition\":2},"
        + "{\"key\":\"" + key + "\",\"value\":{\"n\":2},\"timestamp\":1700000000000},"
        + "{\"value\":\"plain\",\"partition\":2,\"headers\":[{\"key\":\"h\",\"value\":\"" + b64("hv") + "\"}]}]}");
    assertEquals(200, response.status(), response.toString());
    assertTrue(response.contentType().startsWith(V2));
    JsonNode offsets = response.json().get("offsets");
    assertEquals(4, offsets.size());
    int keyed = Partitioner.partitionForKey(("\"" + key + "\"").getBytes(StandardCharsets.UTF_8), 3);
    assertEquals(keyed, offsets.get(0).get("partition").asInt());
    assertEquals(keyed, offsets.get(2).get("partition").asInt());
    assertEquals(offsets.get(0).get("offset").asLong() + 1, offsets.get(2).get("offset").asLong());
    assertEquals(2, offsets.get(1).get("partition").asInt());
    assertEquals(offsets.get(1).get("offset").asLong() + 1, offsets.get(3).get("offset").asLong());

    List<ConsumerRecord> p2 = read(topic, 2, 2);
    assertEquals("[1,2,3]", p2.get(0).valueString());
    assertEquals("\"plain\"", p2.get(1).valueString());
    assertEquals("h", p2.get(1).headers().get(0).key());
    assertEquals("hv", new String(p2.get(1).headers().get(0).value(), StandardCharsets.UTF_8));
    List<ConsumerRecord> keyedRecords = read(topic, keyed, 2);
    assertEquals("{\"n\":1}", keyedRecords.get(0).valueString());
    assertEquals(1700000000000L, keyedRecords.get(1).timestamp());
  }

  @Test
  void producesBinaryAndTextRecordsToOnePartition() {
    String topic = newTopic("http-formats", 2);
    var binary = node.post("/topics/" + topic + "/partitions/1", BINARY_V2,
        "{\"records\":[{\"key\":\"" + b64("bk") + "\",\"value\":\"" + b64("bv") + "\"}]}");
    assertEquals(200, binary.status(), binary.toString());
    assertEquals(1, binary.json().get("offsets").get(0).get("partition").asInt());
    var text = node.post("/topics/" + topic + "/partitions/1", TEXT_V2, "{\"records\":[{\"key\":\"tk\",\"value\":\"tv\"},{\"value\":null}]}");
    assertEquals(200, text.status(), text.toString());
    List<ConsumerRecord> records = read(topic, 1, 3);
    assertEquals("bk", records.get(0).keyString());
    assertEquals("bv", records.get(0).valueString());
    assertEquals("tk", records.get(1).keyString());
    assertEquals("tv", records.get(1).valueString());
    assertEquals(null, records.get(2).value());
  }

  @Test
  void asyncProduceAnswers204AndWrites() {
    String topic = newTopic("http-async", 1);
    var response = node.post("/topics/" + topic + "?async=true", TEXT_V2, "{\"records\":[{\"value\":\"a\"},{\"value\":\"b\"}]}");
    assertEquals(204, response.status(), response.toString());
    Await.until("both async records written", Duration.ofSeconds(30),
        () -> TestNode.await(node.courant().latestOffset(new TopicPartition(topic, 0))) == 2);
  }

  @Test
  void aRejectedProduceWritesNothing() {
    String topic = newTopic("http-rejected", 2);
    var malformed = node.post("/topics/" + topic, JSON_V2, "{\"records\":[{\"value\":1},");
    assertEquals(400, malformed.status(), malformed.toString());
    assertEquals(400, malformed.errorCode());
    var badBase64 = node.post("/topics/" + topic, BINARY_V2, "{\"records\":[{\"value\":\"" + b64("ok") + "\"},{\"value\":\"%%%\"}]}");
    assertEquals(422, badBase64.status(), badBase64.toString());
    var textNotString = node.post("/topics/" + topic, TEXT_V2, "{\"records\":[{\"value\":\"ok\"},{\"value\":{\"a\":1}}]}");
    assertEquals(422, textNotString.status(), textNotString.toString());
    var noPartition = node.post("/topics/" + topic, JSON_V2, "{\"records\":[{\"value\":1,\"partition\":0},{\"value\":2,\"partition\":9}]}");
    assertEquals(404, noPartition.status(), noPartition.toString());
    assertEquals(40402, noPartition.errorCode());
    var wrongType = node.post("/topics/" + topic, "application/json", "{\"records\":[{\"value\":1}]}");
    assertEquals(415, wrongType.status(), wrongType.toString());
    var tooLarge = node.post("/topics/" + topic, TEXT_V2, "{\"records\":[{\"value\":\"" + "x".repeat(70 * 1024) + "\"}]}");
    assertEquals(413, tooLarge.status(), tooLarge.toString());
    assertEquals(413, tooLarge.errorCode());
    for (int p = 0; p < 2; p++) {
      assertEquals(0L, TestNode.await(node.courant().latestOffset(new TopicPartition(topic, p))), "partition " + p + " is empty");
    }
  }

  @Test
  void aBatchThePartitionRefusesGetsAnErrorPerRecordWhileOthersAreWritten() {
    String topic = TestNode.uniqueTopic("http-per-record");
    TestNode.await(node.courant().createTopic(new NewTopic(topic, 2, Map.of("max.message.bytes", "1024"))));
    var response = node.post("/topics/" + topic, TEXT_V2, "{\"records\":[{\"value\":\"small\",\"partition\":0},"
        + "{\"value\":\"" + "x".repeat(4000) + "\",\"partition\":1},{\"value\":\"small too\",\"partition\":0}]}");
    assertEquals(200, response.status(), response.toString());
    JsonNode offsets = response.json().get("offsets");
    assertEquals(0, offsets.get(0).get("offset").asLong());
    assertEquals(413, offsets.get(1).get("error_code").asInt(), offsets.toString());
    assertTrue(offsets.get(1).has("message"));
    assertEquals(1, offsets.get(2).get("offset").asLong());
  }

  @Test
  void answersTheBridgeVersionAtTheRootAndHealthAsJson() {
    var root = node.get("/");
    assertEquals(200, root.status());
    assertTrue(root.json().get("bridge_version").asText().startsWith("courant-"), root.body());
    var healthy = node.get("/healthy");
    assertEquals(200, healthy.status());
    assertTrue(healthy.contentType().startsWith("application/json"), healthy.contentType());
  }

  @Test
  void unknownPathsAndMethodsGetTheErrorBody() {
    var unknown = node.get("/no/such/endpoint");
    assertEquals(404, unknown.status());
    assertEquals(404, unknown.errorCode());
    var method = node.delete("/topics");
    assertEquals(405, method.status(), method.toString());
    assertEquals(405, method.errorCode());
  }

  private static String newTopic(String prefix, int partitions) {
    String topic = TestNode.uniqueTopic(prefix);
    TestNode.await(node.courant().createTopic(new NewTopic(topic, partitions)));
    return topic;
  }

  private static List<ConsumerRecord> read(String topic, int partition, int count) {
    List<ConsumerRecord> records = TestNode.await(node.courant().fetch(new TopicPartition(topic, partition), 0, 1 << 20,
        Duration.ofSeconds(1))).records();
    assertEquals(count, records.size(), records.toString());
    return records;
  }

  /** A key that Kafka's partitioner (of its JSON text) puts on another partition than {@code avoid}. */
  private static String keyNotIn(int avoid, int partitions) {
    for (int i = 0; ; i++) {
      if (Partitioner.partitionForKey(("\"k" + i + "\"").getBytes(StandardCharsets.UTF_8), partitions) != avoid) {
        return "k" + i;
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
