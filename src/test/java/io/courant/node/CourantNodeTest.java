package io.courant.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.testing.TestCassandra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A node started as {@code bin/courant start} starts it (here on the test run's Cassandra). */
class CourantNodeTest {

  @Test
  void aNodeAnswersHealthAndReadinessOverHttpAndKafkaClientsAndStopsCleanly() throws Exception {
    var config = ConfigFactory.parseString(
            "courant.cassandra.contact-points = [\"" + TestCassandra.contactPoint() + "\"]\n"
                + "courant.http.port = 0\n"
                + "courant.kafka.port = 0\n"
                + "pekko.remote.artery.canonical.port = 0\n")
        .withFallback(ConfigFactory.load());
    CourantNode node = CourantNode.start(config);
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI healthy = URI.create("http://127.0.0.1:" + node.httpPort() + "/healthy");
      URI ready = URI.create("http://127.0.0.1:" + node.httpPort() + "/ready");
      assertEquals(200, http.send(HttpRequest.newBuilder(healthy).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      var response = new java.util.concurrent.atomic.AtomicReference<HttpResponse<String>>();
      io.courant.testing.Await.until("GET /ready answering 200", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
        response.set(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()));
        return response.get().statusCode() == 200;
      });
      assertTrue(response.get().body().contains("ready"));
      try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers",
          "127.0.0.1:" + node.kafkaPort()))) {
        var brokers = admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(node.kafkaPort(), brokers.iterator().next().port(), "Kafka clients reach the node's listener");
      }
    } finally {
      node.close();
    }
    assertTrue(node.system().whenTerminated().isCompleted(), "the actor system stopped");
  }
}
