package io.courant.http;

import static io.courant.http.HttpNode.BINARY_V2;
import static io.courant.http.HttpNode.JSON_V2;
import static io.courant.http.HttpNode.TEXT_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge's consumer instances over real HTTP (java.net.http), following the bridge's documented lifecycle. */
class ConsumerRoutesTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();

  @Test
  void followsTheBridgeConsumerLifecycle() {
    String topic = TestNode.uniqueTopic("http-lifecycle");
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":2}").status());
    var produced = node.post("/topics/" + topic, JSON_V2,
        "{\"records\":[{\"key\":\"a\",\"value\":{\"n\":1}},{\"key\":\"b\",\"value\":{\"n\":2}},{\"key\":\"c\",\"value\":{\"n\":3}}]}");
    assertEquals(200, produced.status(), produced.toString());
    String group = "g-" + UUID.randomUUID();

    // 1. create
    var created = node.post("/consumers/" + group, V2,
        "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\",\"enable.auto.commit\":false}");
    assertEquals(200, created.status(), created.toString());
    assertEquals("c1", created.json().get("instance_id").asText());
    String base = created.json().get("base_uri").asText();
    assertEquals(node.uri("/consumers/" + group + "/instances/c1").toString(), base);
    String instance = "/consumers/" + group + "/instances/c1";

    // 2. subscribe
    assertEquals(204, node.post(instance + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    JsonNode subscription = node.get(instance + "/subscription").json();
    assertEquals(topic, subscription.get("topics").get(0).asText());

    // 3. poll until the three records are in
    List<JsonNode> records = pollUntil(instance, JSON_V2, 3);
    List<Integer> values = records.stream().map(r -> r.get("value").get("n").asInt()).sorted().toList();
    assertEquals(List.of(1, 2, 3), values);
    assertEquals(topic, records.get(0).get("topic").asText());
    assertTrue(records.get(0).get("key").isTextual());

    // 4. commit what was polled, read it back
    assertEquals(204, node.post(instance + "/offsets", V2, "").status());
    JsonNode committed = node.send(HttpRequest.newBuilder(node.uri(instance + "/offsets")).header("Content-Type", V2)
        .method("GET", HttpRequest.BodyPublishers.ofString("{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0},"
            + "{\"topic\":\"" + topic + "\",\"partition\":1}]}"))).json();
    long total = 0;
    for (JsonNode o : committed.get("offsets")) {
      total += o.get("offset").asLong();
    }
    assertEquals(3, total, committed.toString());
    var groupOffsets = TestNode.await(node.courant().committedOffsets(group, List.of()));
    assertEquals(3, groupOffsets.values().stream().mapToLong(o -> o.offset()).sum());

    // 5. delete: the instance is gone, its group empty
    assertEquals(204, node.delete(instance).status());
    var gone = node.get(instance + "/records", JSON_V2);
    assertEquals(404, gone.status());
    assertEquals(40403, gone.errorCode());
    assertTrue(TestNode.await(node.courant().describeGroup(group)).members().isEmpty());
  }

  @Test
  void assignsSeeksAndCommitsGivenOffsets() {
    String topic = node.topicWithRecords("http-assign", 2, 10); // r0, r2, .. on partition 0
    String instance = create("g-" + UUID.randomUUID(), "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(204, node.post(instance + "/assignments", V2, partitions(topic, 0, 1)).status());
    JsonNode assignment = node.get(instance + "/assignments").json().get("partitions");
    assertEquals(2, assignment.size());
    assertEquals(1, assignment.get(1).get("partition").asInt());

    assertEquals(204, node.post(instance + "/positions", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":3}]}").status());
    assertEquals(204, node.post(instance + "/positions/end", V2, "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":1}]}").status());
    List<JsonNode> fromThree = pollUntil(instance, BINARY_V2, 2);
    assertEquals(3, fromThree.get(0).get("offset").asLong());
    assertEquals("r6", decode(fromThree.get(0).get("value").asText()));
    assertEquals(0, fromThree.stream().filter(r -> r.get("partition").asInt() == 1).count(), "partition 1 was at its end");

    assertEquals(204, node.post(instance + "/positions/beginning", V2, partitions(topic, 0)).status());
    assertEquals(0, pollUntil(instance, BINARY_V2, 1).get(0).get("offset").asLong());

    long timestamp = TestNode.await(node.courant().fetch(new TopicPartition(topic, 1), 2, 1 << 20, Duration.ZERO)).records().get(0).timestamp();
    assertEquals(204, node.post(instance + "/positions", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":1,\"timestamp\":" + timestamp + "}]}").status());
    assertTrue(pollUntil(instance, BINARY_V2, 1).stream().anyMatch(r -> r.get("partition").asInt() == 1 && r.get("offset").asLong() <= 2));

    assertEquals(204, node.post(instance + "/offsets", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":4}]}").status());
    JsonNode committed = node.send(HttpRequest.newBuilder(node.uri(instance + "/offsets"))
        .method("GET", HttpRequest.BodyPublishers.ofString(partitions(topic, 0)))).json().get("offsets");
    assertEquals(4, committed.get(0).get("offset").asLong(), committed.toString());
    assertEquals(204, node.delete(instance).status());
  }

  @Test
  void pollsWithinMaxBytesWithoutLosingRecords() {
    String topic = node.topicWithRecords("http-maxbytes", 1, 5); // values r0..r4, 2 bytes each
    String instance = create("g-" + UUID.randomUUID(), "{\"format\":\"text\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(204, node.post(instance + "/assignments", V2, partitions(topic, 0)).status());
    var tooSmall = node.get(instance + "/records?timeout=2000&max_bytes=1", TEXT_V2);
    assertEquals(422, tooSmall.status(), tooSmall.toString());
    List<JsonNode> first = new ArrayList<>();
    Await.until("a poll of at most 4 bytes", Duration.ofSeconds(30), () -> {
      var r = node.get(instance + "/records?timeout=1000&max_bytes=4", TEXT_V2);
      assertEquals(200, r.status(), r.toString());
      r.json().forEach(first::add);
      return !first.isEmpty();
    });
    assertEquals(2, first.size(), first.toString());
    assertEquals("r0", first.get(0).get("value").asText());
    List<JsonNode> rest = pollUntil(instance, TEXT_V2, 3);
    assertEquals(List.of("r2", "r3", "r4"), rest.stream().map(r -> r.get("value").asText()).toList());
  }

  @Test
  void subscribesByPattern() {
    String prefix = "http-pattern-" + UUID.randomUUID().toString().substring(0, 6);
    String topic = node.topicWithRecords(prefix, 1, 2);
    String instance = create("g-" + UUID.randomUUID(), "{\"format\":\"text\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(204, node.post(instance + "/subscription", V2, "{\"topic_pattern\":\"" + prefix + ".*\"}").status());
    assertEquals(2, pollUntil(instance, TEXT_V2, 2).size());
    JsonNode subscription = node.get(instance + "/subscription").json();
    assertEquals(prefix + ".*", subscription.get("topic_pattern").asText());
    assertEquals(topic, subscription.get("topics").get(0).asText());
    assertEquals(204, node.delete(instance + "/subscription").status());
    assertEquals(0, node.get(instance + "/subscription").json().get("topics").size());
  }

  @Test
  void refusesWhatTheBridgeRefuses() {
    String topic = node.topicWithRecords("http-consumer-errors", 1, 1);
    String group = "g-" + UUID.randomUUID();
    String instance = create(group, "{\"name\":\"dup\",\"format\":\"json\"}");
    var again = node.post("/consumers/" + group, V2, "{\"name\":\"dup\",\"format\":\"json\"}");
    assertEquals(409, again.status(), again.toString());
    assertEquals(40902, again.errorCode());

    var wrongAccept = node.get(instance + "/records", BINARY_V2);
    assertEquals(406, wrongAccept.status(), wrongAccept.toString());
    assertEquals(40601, wrongAccept.errorCode());

    assertEquals(42204, node.post("/consumers/" + group, V2, "{\"auto.offset.reset\":\"sometimes\"}").errorCode());
    assertEquals(42204, node.post("/consumers/" + group, V2, "{\"no.such.setting\":1}").errorCode());
    assertEquals(42204, node.post("/consumers/" + group, V2, "{\"format\":\"avro\"}").errorCode());
    assertEquals(400, node.post("/consumers/" + group, V2, "{\"format\":").status());

    var both = node.post(instance + "/subscription", V2, "{\"topics\":[\"" + topic + "\"],\"topic_pattern\":\"x.*\"}");
    assertEquals(409, both.status(), both.toString());
    assertEquals(204, node.post(instance + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    var assignToo = node.post(instance + "/assignments", V2, partitions(topic, 0));
    assertEquals(409, assignToo.status(), assignToo.toString());
    var notAssigned = node.post(instance + "/positions/beginning", V2, partitions(topic + "-other", 0));
    assertEquals(409, notAssigned.status(), notAssigned.toString());
    assertEquals(400, node.post(instance + "/positions", V2, "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());

    String missing = "/consumers/" + group + "/instances/never-created";
    for (var response : List.of(node.get(missing + "/records"), node.get(missing + "/subscription"), node.get(missing + "/assignments"),
        node.post(missing + "/offsets", V2, ""), node.post(missing + "/positions/end", V2, partitions(topic, 0)),
        node.delete(missing))) {
      assertEquals(404, response.status(), response.toString());
      assertEquals(40403, response.errorCode());
    }
    assertEquals(204, node.delete(instance).status());
  }

  /** Creates an instance and returns its path. */
  private static String create(String group, String body) {
    var created = node.post("/consumers/" + group, V2, body);
    assertEquals(200, created.status(), created.toString());
    return "/consumers/" + group + "/instances/" + created.json().get("instance_id").asText();
  }

  /** Polls until at least {@code count} records came (the first polls of a group wait for its rebalance). */
  static List<JsonNode> pollUntil(String instance, String accept, int count) {
    List<JsonNode> records = new ArrayList<>();
    Await.until(count + " records polled from " + instance, Duration.ofSeconds(30), () -> {
      var r = node.get(instance + "/records?timeout=500", accept);
      assertEquals(200, r.status(), r.toString());
      assertTrue(r.contentType().startsWith(accept), r.contentType());
      r.json().forEach(records::add);
      return records.size() >= count;
    });
    return records;
  }

  private static String partitions(String topic, int... partitions) {
    StringBuilder b = new StringBuilder("{\"partitions\":[");
    for (int i = 0; i < partitions.length; i++) {
      b.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"partition\":").append(partitions[i]).append('}');
    }
    return b.append("]}").toString();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
