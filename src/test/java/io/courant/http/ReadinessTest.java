package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.CassandraConfig;
import io.courant.cassandra.CassandraSettings;
import io.courant.testing.Await;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;

/** {@code /ready} waits for the node to join its cluster, even with Cassandra reachable; {@code /healthy} does not. */
class ReadinessTest {

  @Test
  void aNodeIsNotReadyUntilItHasJoinedItsCluster() throws Exception {
    Config base = ConfigFactory.parseString("courant.http { interface = \"127.0.0.1\", port = 0 }").withFallback(ConfigFactory.load());
    Config config = CassandraConfig.connect(base, List.of(TestCassandra.contactPoint()),
        CassandraSettings.create(base.getConfig("courant.cassandra")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "courant", config);
    try {
      ServerBinding binding = TestNode.await(HttpServer.start(system, HttpSettings.create(config.getConfig("courant.http"))));
      String baseUri = "http://127.0.0.1:" + binding.localAddress().getPort();
      HttpClient client = HttpClient.newHttpClient();
      assertEquals(200, status(client, baseUri + "/healthy"), "the process is up");
      assertEquals(503, status(client, baseUri + "/ready"), "not a member of any cluster yet");
      assertEquals(503, status(client, baseUri + "/ready"), "still not (Cassandra answers, but the node has not joined)");

      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      Await.until("/ready answering 200 once the node is Up", Duration.ofSeconds(30), Duration.ofMillis(200),
          () -> status(client, baseUri + "/ready") == 200);
      TestNode.await(binding.unbind());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static int status(HttpClient client, String uri) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
