package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.EmbeddedCassandra;
import io.courant.cassandra.EmbeddedCassandraSettings;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RetriableException;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra goes away under a running node (its own Cassandra, not the suite's): appends fail with
 * a retriable error and nothing is acknowledged; when Cassandra is back, the node recovers by
 * itself and the log continues where it was.
 */
class CassandraOutageTest {
  @Test
  void appendsFailRetriablyWhileCassandraIsDownAndTheNodeRecoversByItself(@TempDir Path data) throws Exception {
    int[] ports = TestCassandra.freePorts();
    EmbeddedCassandraSettings settings = new EmbeddedCassandraSettings(data, "127.0.0.1", ports[0], ports[1], 1L << 30,
        Duration.ofSeconds(120), Path.of(System.getProperty("java.home")));
    EmbeddedCassandra cassandra = EmbeddedCassandra.start(settings, TestCassandra.courantHome());
    try (TestNode node = TestNode.start(ConfigFactory.parseString("courant.client.\"request.timeout.ms\" = 10s"),
        cassandra.contactPoint())) {
      Courant courant = node.courant();
      String topic = uniqueTopic("outage");
      TopicPartition tp = new TopicPartition(topic, 0);
      await(courant.createTopic(new NewTopic(topic, 1)));
      assertEquals(0, await(courant.send(ProducerRecord.of(topic, null, "before").withPartition(0))).offset());

      cassandra.close();
      try {
        courant.send(ProducerRecord.of(topic, null, "during").withPartition(0)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        throw new AssertionError("an append was acknowledged while Cassandra was down");
      } catch (ExecutionException e) {
        assertInstanceOf(RetriableException.class, e.getCause(), "a retriable error, so that clients retry: " + e.getCause());
      }

      cassandra = EmbeddedCassandra.start(settings, TestCassandra.courantHome());
      Await.until("the node writing again", Duration.ofSeconds(90), Duration.ofMillis(500), () -> {
        try {
          courant.send(ProducerRecord.of(topic, null, "after").withPartition(0)).toCompletableFuture().get(15, TimeUnit.SECONDS);
          return true;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException)) {
            throw e;
          }
          return false;
        }
      });
      assertEquals(List.of("before", "after"),
          await(courant.fetch(tp, 0, 1 << 20, Duration.ZERO)).records().stream().map(ConsumerRecord::valueString).toList());
    } finally {
      cassandra.close();
    }
  }
}
