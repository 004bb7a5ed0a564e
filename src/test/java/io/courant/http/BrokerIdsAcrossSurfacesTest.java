package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.cluster.ThreeNodes;
import io.courant.kafka.KafkaListener;
import io.courant.kafka.KafkaSettings;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, each a Kafka broker and an HTTP server: the bridge's v2 partition metadata, the v3
 * brokers, partition leaders and partition-replicas name the same broker ids and the same leaders
 * as a kafka-clients Admin's describeCluster and describeTopics, whichever node answers.
 */
class BrokerIdsAcrossSurfacesTest {
  private static final int PARTITIONS = 6;
  private static final String CLUSTER = "/v3/clusters/courant";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void httpNamesTheBrokersAndLeadersThatKafkaMetadataNames() throws Exception {
    try (ThreeNodes nodes = new ThreeNodes("ids")) {
      KafkaListener seedListener = KafkaListener.start(nodes.seed.system(),
          KafkaSettings.create(nodes.seed.system().settings().config().getConfig("courant.kafka")).withPort(0));
      String bootstrap = String.join(",", "127.0.0.1:" + seedListener.port(), nodes.b.host() + ":" + nodes.b.kafkaPort(),
          nodes.c.host() + ":" + nodes.c.kafkaPort());
      String topic = TestNode.uniqueTopic("ids");
      TestNode.await(nodes.seed.courant().createTopic(new NewTopic(topic, PARTITIONS, Map.of())));
      for (int p = 0; p < PARTITIONS; p++) { // every partition started on some node
        TestNode.await(nodes.seed.courant().send(new ProducerRecord(topic, p, null, null, ("r" + p).getBytes(StandardCharsets.UTF_8),
            List.of())));
      }
      List<String> httpBases = List.of(nodes.b.httpBase(), nodes.c.httpBase());

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        Map<String, String> mismatches = new TreeMap<>();
        try {
          Await.until("HTTP and Kafka naming the same brokers and leaders", Duration.ofSeconds(90), Duration.ofMillis(500), () -> {
          mismatches.clear();
          Set<Integer> kafkaBrokers = new TreeSet<>();
          for (Node n : admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)) {
            kafkaBrokers.add(n.id());
          }
          TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
          Map<Integer, Integer> kafkaLeaders = new TreeMap<>();
          for (TopicPartitionInfo p : described.partitions()) {
            kafkaLeaders.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
          }
          if (kafkaBrokers.size() != 3) {
            mismatches.put("kafka", "brokers " + kafkaBrokers);
          }
          for (String base : httpBases) {
            compare(mismatches, base, kafkaBrokers, kafkaLeaders, topic);
          }
          return mismatches.isEmpty();
          });
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + ": " + mismatches, e);
        }
      }
    }
  }

  private void compare(Map<String, String> mismatches, String base, Set<Integer> kafkaBrokers, Map<Integer, Integer> kafkaLeaders,
      String topic) throws Exception {
    Set<Integer> v3Brokers = new TreeSet<>();
    get(base + CLUSTER + "/brokers").get("data").forEach(b -> v3Brokers.add(b.get("broker_id").asInt()));
    if (!v3Brokers.equals(kafkaBrokers)) {
      mismatches.put(base + " v3 brokers", v3Brokers + " vs Kafka's " + kafkaBrokers);
    }
    Map<Integer, Integer> v2Leaders = new TreeMap<>();
    for (JsonNode p : get(base + "/topics/" + topic).get("partitions")) {
      v2Leaders.put(p.get("partition").asInt(), p.get("leader").asInt());
      JsonNode replica = p.get("replicas").get(0);
      if (replica == null || replica.get("broker").asInt() != p.get("leader").asInt() || !replica.get("leader").asBoolean()
          || !replica.get("in_sync").asBoolean()) {
        mismatches.put(base + " v2 replicas of " + p.get("partition"), p.toString());
      }
    }
    if (!v2Leaders.equals(kafkaLeaders)) {
      mismatches.put(base + " v2 leaders", v2Leaders + " vs Kafka's " + kafkaLeaders);
    }
    Map<Integer, Integer> v3Leaders = new TreeMap<>();
    get(base + CLUSTER + "/topics/" + topic + "/partitions").get("data")
        .forEach(p -> v3Leaders.put(p.get("partition_id").asInt(), p.get("leader_id").asInt()));
    if (!v3Leaders.equals(kafkaLeaders)) {
      mismatches.put(base + " v3 leaders", v3Leaders + " vs Kafka's " + kafkaLeaders);
    }
    Map<Integer, Integer> replicaLeaders = new TreeMap<>();
    for (int broker : v3Brokers) {
      for (JsonNode r : get(base + CLUSTER + "/brokers/" + broker + "/partition-replicas").get("data")) {
        if (r.get("topic_name").asText().equals(topic)) {
          replicaLeaders.put(r.get("partition_id").asInt(), broker);
        }
      }
    }
    if (!replicaLeaders.equals(kafkaLeaders)) {
      mismatches.put(base + " v3 partition-replicas", replicaLeaders + " vs Kafka's " + kafkaLeaders);
    }
  }

  private JsonNode get(String uri) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), uri + ": " + r.body());
    return JSON.readTree(r.body());
  }
}
