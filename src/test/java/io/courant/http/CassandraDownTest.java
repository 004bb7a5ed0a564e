package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.testing.TestNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;

/** A node whose Cassandra does not answer: not ready, and the API answers 503 with the error body instead of hanging. */
class CassandraDownTest {

  @Test
  void answers503WhileCassandraIsUnreachable() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    var overrides = ConfigFactory.parseString("courant.client.\"request.timeout.ms\" = 2s\n"
        + "courant.http { interface = \"127.0.0.1\", port = 0 }");
    try (TestNode node = TestNode.start(overrides, "127.0.0.1:" + deadPort)) {
      ServerBinding binding = TestNode.await(HttpServer.start(node.system(),
          HttpSettings.create(overrides.withFallback(node.system().settings().config()).getConfig("courant.http"))));
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + binding.localAddress().getPort();

      assertEquals(503, send(client, base, "GET", "/ready", null).statusCode());
      for (String[] call : new String[][] {{"GET", "/topics"}, {"GET", "/topics/orders/partitions/0/offsets"},
          {"POST", "/admin/topics"}, {"GET", "/v3/clusters/courant/topics"}}) {
        HttpResponse<String> r = send(client, base, call[0], call[1], call[0].equals("POST") ? "{\"topic_name\":\"t\"}" : null);
        assertEquals(503, r.statusCode(), call[1] + ": " + r.body());
        assertTrue(r.body().contains("\"error_code\":503"), r.body());
      }
      HttpResponse<String> produce = client.send(HttpRequest.newBuilder(URI.create(base + "/topics/orders"))
          .header("Content-Type", "application/vnd.kafka.text.v2+json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"records\":[{\"value\":\"x\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, produce.statusCode(), produce.body());

      HttpResponse<String> metrics = send(client, base, "GET", "/metrics", null);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().lines().anyMatch("courant_cassandra_up 0"::equals), metrics.body());
      assertTrue(metrics.body().lines().anyMatch("courant_metrics_scrape_errors 2"::equals), metrics.body());
      TestNode.await(binding.unbind());
    }
  }

  private static HttpResponse<String> send(HttpClient client, String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/vnd.kafka.v2+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
