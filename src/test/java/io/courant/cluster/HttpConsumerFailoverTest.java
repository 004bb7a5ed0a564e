package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.http.HttpServer;
import io.courant.http.HttpSettings;
import io.courant.http.internal.ConsumerInstance;
import io.courant.testing.Await;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * A bridge consumer instance is cluster state: created through one node's HTTP server, polled
 * through another's, it survives {@code kill -9} of the node that runs it. Through a survivor the
 * client goes on where its last poll began: that poll's records come again, nothing before them,
 * nothing is skipped, and the instance keeps its single place in the group (static membership).
 */
class HttpConsumerFailoverTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String TEXT_V2 = "application/vnd.kafka.text.v2+json";
  private static final int RECORDS = 40;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void anInstanceSurvivesTheLossOfItsNode() throws Exception {
    try (ThreeNodes nodes = new ThreeNodes("http-failover")) {
      TestNode seed = nodes.seed;
      var http = ConfigFactory.parseString("courant.http { interface = \"127.0.0.1\", port = 0 }");
      await(HttpServer.start(seed.system(), HttpSettings.create(http.withFallback(seed.system().settings().config()).getConfig("courant.http"))));
      Map<String, NodeProcess> children = Map.of(nodes.b.address(), nodes.b, nodes.c.address(), nodes.c);
      String baseB = nodes.b.httpBase();
      String baseC = nodes.c.httpBase();

      String topic = TestNode.uniqueTopic("http-failover");
      await(seed.courant().createTopic(new NewTopic(topic, 2)));
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        records.add(ProducerRecord.of(topic, null, "v" + i).withPartition(i % 2));
      }
      await(seed.courant().sendAll(records, io.courant.log.Partition.Acks.ALL));

      // Created through node b; an instance that landed on the seed (which the test cannot kill) is replaced.
      String group = "failover-" + UUID.randomUUID();
      String path = null;
      NodeProcess host = null;
      for (int attempt = 0; attempt < 6 && host == null; attempt++) {
        String name = "roaming-" + attempt;
        var created = send(baseB + "/consumers/" + group, "POST", V2, "{\"name\":\"" + name + "\",\"format\":\"text\","
            + "\"auto.offset.reset\":\"earliest\",\"enable.auto.commit\":false,\"max.poll.records\":5}");
        assertEquals(200, created.statusCode(), created.body());
        path = "/consumers/" + group + "/instances/" + name;
        host = children.get(hostOf(seed, ConsumerInstance.entityId(group, name)));
        if (host == null) {
          assertEquals(204, send(baseB + path, "DELETE", null, null).statusCode());
        }
      }
      assertTrue(host != null, "an instance on node b or c");
      NodeProcess survivor = host == nodes.b ? nodes.c : nodes.b;
      String baseSurvivor = survivor.httpBase();

      // Subscribed through c, polled through both child nodes.
      assertEquals(204, send(baseC + path + "/subscription", "POST", V2, "{\"topics\":[\"" + topic + "\"]}").statusCode());
      List<String> before = new ArrayList<>();
      String[] bases = {baseB, baseC};
      int[] call = {0};
      String instance = path;
      Await.until("10 records polled", Duration.ofSeconds(60), () -> {
        before.addAll(poll(bases[call[0]++ % 2] + instance));
        return before.size() >= 10;
      });
      assertEquals(204, send(baseB + path + "/offsets", "POST", V2, "").statusCode());
      List<String> lastPoll = new ArrayList<>();
      Await.until("one more poll with records", Duration.ofSeconds(30), () -> {
        lastPoll.addAll(poll(bases[call[0]++ % 2] + instance));
        return !lastPoll.isEmpty();
      });

      host.kill();
      long killedAt = System.nanoTime();
      List<String> after = new ArrayList<>();
      Await.until("every record read through the survivor", Duration.ofSeconds(120), Duration.ofMillis(100), () -> {
        HttpResponse<String> r = send(baseSurvivor + instance + "/records?timeout=500", "GET", TEXT_V2, null);
        if (r.statusCode() == 200) {
          MAPPER.readTree(r.body()).forEach(rec -> after.add(rec.get("value").asText()));
        } else {
          assertTrue(r.statusCode() >= 500, "only unavailability while the instance moves, not " + r.statusCode() + " " + r.body());
        }
        Set<String> seen = new HashSet<>(before);
        seen.addAll(lastPoll);
        seen.addAll(after);
        return seen.size() == RECORDS;
      });
      System.out.printf("http failover: all records read through the survivor %.1f s after kill -9 of the instance's node%n",
          (System.nanoTime() - killedAt) / 1e9);

      assertTrue(after.containsAll(lastPoll), "the last poll before the loss is handed out again: " + lastPoll + " / " + after);
      Set<String> earlier = new LinkedHashSet<>(before);
      earlier.retainAll(after);
      assertEquals(Set.of(), earlier, "nothing before the last poll comes again");
      assertEquals(after.size(), new HashSet<>(after).size(), "each record once after the loss: " + after);
      assertEquals(1, await(seed.courant().describeGroup(group)).members().size(), "the resumed instance took its own place in the group");

      assertEquals(204, send(baseSurvivor + path, "DELETE", null, null).statusCode());
      Await.until("the deleted instance left its group", Duration.ofSeconds(30),
          () -> await(seed.courant().describeGroup(group)).members().isEmpty());
      var gone = send(baseSurvivor + path + "/records", "GET", TEXT_V2, null);
      assertEquals(404, gone.statusCode(), gone.body());
    }
  }

  /** The address of the node whose shard region holds this consumer instance's entity, or null. */
  private static String hostOf(TestNode node, String entityId) {
    ShardRegion.ClusterShardingStats stats = await(AskPattern.ask(ClusterSharding.get(node.system()).shardState(),
        (org.apache.pekko.actor.typed.ActorRef<ShardRegion.ClusterShardingStats> replyTo) ->
            new GetClusterShardingStats(ConsumerInstance.ENTITY_KEY, Duration.ofSeconds(5), replyTo),
        Duration.ofSeconds(10), node.system().scheduler()));
    String shard = new HashCodeMessageExtractor<ConsumerInstance.Command>(
        node.system().settings().config().getInt("pekko.cluster.sharding.number-of-shards")).shardId(entityId);
    for (var region : stats.getRegions().entrySet()) {
      if (region.getValue().getStats().containsKey(shard)) {
        return region.getKey().equals(AddressFromURIString.parse(node.system().address().toString())) ? "seed"
            : region.getKey().toString();
      }
    }
    return null;
  }

  private List<String> poll(String instanceUrl) throws Exception {
    HttpResponse<String> r = send(instanceUrl + "/records?timeout=300", "GET", TEXT_V2, null);
    assertEquals(200, r.statusCode(), r.body());
    List<String> values = new ArrayList<>();
    MAPPER.readTree(r.body()).forEach((JsonNode rec) -> values.add(rec.get("value").asText()));
    return values;
  }

  private HttpResponse<String> send(String url, String method, String type, String body) throws Exception {
    return io.courant.testing.TestHttp.send(client, url, method, type, body);
  }
}
