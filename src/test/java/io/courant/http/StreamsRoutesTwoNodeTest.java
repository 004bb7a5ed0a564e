package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.examples.WordCountExample;
import io.courant.http.internal.StreamsRoutes;
import io.courant.log.Partition;
import io.courant.stream.dsl.CourantStreams;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;

/**
 * A streams application runs on node A only; node B, which knows nothing of its stores or serdes,
 * answers HTTP queries for it by forwarding them to A over the cluster; once the application
 * closes, both nodes answer 404 (40410).
 */
class StreamsRoutesTwoNodeTest {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void aNodeWithoutTheApplicationForwardsItsQueriesToTheNodeThatRunsIt() throws Exception {
    var http = ConfigFactory.parseString("courant.http { interface = \"127.0.0.1\", port = 0 }");
    try (TestNode a = TestNode.start(); TestNode b = TestNode.joining(a, ConfigFactory.empty())) {
      Await.until("both nodes Up", Duration.ofSeconds(60), () -> java.util.stream.StreamSupport
          .stream(Cluster.get(a.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count() == 2);
      String baseB = base(TestNode.await(HttpServer.start(b.system(), HttpSettings.create(http.withFallback(b.system().settings().config())
          .getConfig("courant.http")))));
      String lines = TestNode.uniqueTopic("lines");
      String counts = TestNode.uniqueTopic("counts");
      TestNode.await(a.courant().createTopic(new NewTopic(lines, 2)));
      TestNode.await(a.courant().createTopic(new NewTopic(counts, 2)));
      TestNode.await(a.courant().sendAll(List.of(ProducerRecord.of(lines, "l1", "one two two")), Partition.Acks.ALL));
      String app = TestNode.uniqueTopic("forwarded");
      String url = baseB + "/streams/" + app + "/stores/word-counts/keys/two";

      CourantStreams streams = new CourantStreams(WordCountExample.topology(lines, counts), WordCountExample.props(app), a.system());
      try {
        streams.start();
        Await.until("B answers for the application running on A", Duration.ofSeconds(60), () -> get(url).statusCode() == 200);
        HttpResponse<String> r = get(url);
        assertEquals("{\"key\":\"two\",\"value\":2}", r.body());
        assertEquals(a.system().address().toString(), r.headers().firstValue(StreamsRoutes.ANSWERED_BY).orElse(""),
            "answered by node A's instance");
        assertTrue(get(baseB + "/streams/" + app + "/stores").body().contains("word-counts"));
      } finally {
        streams.close();
      }
      Await.until("B no longer finds the application", Duration.ofSeconds(30), () -> get(url).statusCode() == 404);
      assertTrue(get(url).body().contains("40410"), get(url).body());
    }
  }

  private static String base(ServerBinding binding) {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return io.courant.testing.TestHttp.send(client, url, "GET", null, null);
  }
}
