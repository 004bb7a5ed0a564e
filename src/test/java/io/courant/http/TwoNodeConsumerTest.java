package io.courant.http;

import static io.courant.http.HttpNode.TEXT_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;

/**
 * A consumer instance is cluster state: created through one node's HTTP server, it is used and
 * deleted through the other's (every call alternates, so half of them reach the instance over the
 * cluster, its commands and replies serialized).
 */
class TwoNodeConsumerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void anInstanceCreatedThroughOneNodeIsUsedThroughTheOther() throws Exception {
    var http = ConfigFactory.parseString("courant.http { interface = \"127.0.0.1\", port = 0 }");
    try (TestNode a = TestNode.start(); TestNode b = TestNode.joining(a, ConfigFactory.empty())) {
      Await.until("both nodes Up", Duration.ofSeconds(60), () -> java.util.stream.StreamSupport
          .stream(Cluster.get(a.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count() == 2);
      String baseA = base(TestNode.await(HttpServer.start(a.system(), HttpSettings.create(http.withFallback(a.system().settings().config())
          .getConfig("courant.http")))));
      String baseB = base(TestNode.await(HttpServer.start(b.system(), HttpSettings.create(http.withFallback(b.system().settings().config())
          .getConfig("courant.http")))));

      String topic = TestNode.uniqueTopic("two-nodes");
      TestNode.await(a.courant().createTopic(new NewTopic(topic, 4)));
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        records.add(ProducerRecord.of(topic, "k" + i, "v" + i));
      }
      TestNode.await(a.courant().sendAll(records, Partition.Acks.ALL));

      String group = "two-" + UUID.randomUUID();
      var created = send(baseA + "/consumers/" + group, "POST", V2,
          "{\"name\":\"roaming\",\"format\":\"text\",\"auto.offset.reset\":\"earliest\",\"enable.auto.commit\":false}");
      assertEquals(200, created.statusCode(), created.body());
      String path = "/consumers/" + group + "/instances/roaming";
      assertEquals(204, send(baseB + path + "/subscription", "POST", V2, "{\"topics\":[\"" + topic + "\"]}").statusCode());
      assertEquals(topic, json(send(baseA + path + "/subscription", "GET", null, null)).get("topics").get(0).asText());

      List<String> values = new ArrayList<>();
      String[] bases = {baseA, baseB};
      int[] call = {0};
      Await.until("the 20 records polled through both nodes", Duration.ofSeconds(60), () -> {
        var r = send(bases[call[0]++ % 2] + path + "/records?timeout=300", "GET", TEXT_V2, null);
        assertEquals(200, r.statusCode(), r.body());
        json(r).forEach(rec -> values.add(rec.get("value").asText()));
        return values.size() >= 20;
      });
      assertEquals(20, values.stream().distinct().count(), values.toString());

      assertEquals(204, send(baseB + path + "/offsets", "POST", V2, "").statusCode());
      assertEquals(20, TestNode.await(a.courant().committedOffsets(group, List.of())).values().stream().mapToLong(o -> o.offset()).sum());
      assertEquals(204, send(baseA + path, "DELETE", null, null).statusCode());
      var gone = send(baseB + path + "/records", "GET", TEXT_V2, null);
      assertEquals(404, gone.statusCode(), gone.body());
      assertEquals(40403, json(gone).get("error_code").asInt());
    }
  }

  private static String base(ServerBinding binding) {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  private HttpResponse<String> send(String url, String method, String type, String body) throws Exception {
    return io.courant.testing.TestHttp.send(client, url, method, type, body);
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return MAPPER.readTree(r.body());
  }
}
