package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.EmbeddedCassandra;
import io.courant.cassandra.EmbeddedCassandraSettings;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RetriableException;
import io.courant.client.TopicPartition;
import io.courant.stream.Consumer;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.Producer;
import io.courant.stream.ProducerSettings;
import io.courant.stream.Subscriptions;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import io.courant.testing.Await;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra goes away under a running node (its own Cassandra, not the suite's): appends fail with
 * a retriable error and nothing is acknowledged; when Cassandra is back, the node recovers by
 * itself and the log continues where it was. The Pekko Streams stages see the same: a producer
 * stream fails with a retriable error, a consumer source rides the outage out (its fetches are
 * retried) and reads on once Cassandra is back.
 */
class CassandraOutageTest {
  @Test
  void appendsFailRetriablyWhileCassandraIsDownAndTheNodeRecoversByItself(@TempDir Path data) throws Exception {
    int[] ports = TestCassandra.freePorts();
    EmbeddedCassandraSettings settings = new EmbeddedCassandraSettings(data, "127.0.0.1", ports[0], ports[1], 1L << 30,
        Duration.ofSeconds(120), Path.of(System.getProperty("java.home")));
    EmbeddedCassandra cassandra = EmbeddedCassandra.start(settings, TestCassandra.courantHome());
    // dead-session-after 3 s: the session watchdog probes Cassandra with a new connection during the
    // outage; that fails too, so it must leave the node running (DeadSessionTest is the other case).
    try (TestNode node = TestNode.start(ConfigFactory.parseString("courant.client.\"request.timeout.ms\" = 10s\n"
        + "courant.cassandra.dead-session-after = 3s"), cassandra.contactPoint())) {
      Courant courant = node.courant();
      String topic = uniqueTopic("outage");
      TopicPartition tp = new TopicPartition(topic, 0);
      await(courant.createTopic(new NewTopic(topic, 1)));
      assertEquals(0, await(courant.send(ProducerRecord.of(topic, null, "before").withPartition(0))).offset());

      List<String> streamed = new CopyOnWriteArrayList<>();
      var source = Consumer.plainSource(ConsumerSettings.create(node.system(), new StringDeserializer(), new StringDeserializer())
              .withProperty("auto.offset.reset", "earliest"), Subscriptions.assignment(tp))
          .toMat(Sink.foreach(r -> streamed.add(r.offset() + ":" + r.value())), Keep.both())
          .run(node.system());
      Await.until("the source read the first record", Duration.ofSeconds(30), () -> streamed.equals(List.of("0:before")));

      cassandra.close();
      CompletionStage<Done> producerStream = Source.single(new io.courant.stream.ProducerRecord<String, String>(topic, null, "streamed"))
          .runWith(Producer.plainSink(ProducerSettings.create(node.system(), new StringSerializer(), new StringSerializer())
              .withProperty("linger.ms", "0")), node.system());
      try {
        producerStream.toCompletableFuture().get(60, TimeUnit.SECONDS);
        throw new AssertionError("a producer stream completed while Cassandra was down");
      } catch (ExecutionException e) {
        assertInstanceOf(RetriableException.class, e.getCause(), "the stream fails with a retriable error: " + e.getCause());
      }
      try {
        courant.send(ProducerRecord.of(topic, null, "during").withPartition(0)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        throw new AssertionError("an append was acknowledged while Cassandra was down");
      } catch (ExecutionException e) {
        assertInstanceOf(RetriableException.class, e.getCause(), "a retriable error, so that clients retry: " + e.getCause());
      }

      // The topic controller's write fails too; it must come back by itself afterwards (a cluster
      // singleton that stopped on a journal failure would not).
      String created = uniqueTopic("outage-created");
      try {
        courant.createTopic(new NewTopic(created, 1)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        throw new AssertionError("a topic was created while Cassandra was down");
      } catch (ExecutionException e) {
        assertInstanceOf(RetriableException.class, e.getCause(), "a retriable error: " + e.getCause());
      }

      cassandra = EmbeddedCassandra.start(settings, TestCassandra.courantHome());
      Await.until("the topic controller writing again", Duration.ofSeconds(90), Duration.ofMillis(500), () -> {
        try {
          courant.createTopic(new NewTopic(created, 1)).toCompletableFuture().get(15, TimeUnit.SECONDS);
          return true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof io.courant.client.TopicExistsException) {
            return true; // an earlier attempt got through after its reply timed out
          }
          if (!(e.getCause() instanceof RetriableException)) {
            throw e;
          }
          return false;
        }
      });
      // Each attempt sends its own value: an attempt that timed out at the client may still be
      // stored later (at-least-once, as with Kafka's non-idempotent producer), and the checks below
      // must tell such a record from a duplicate made by the log or the consumer.
      AtomicInteger attempts = new AtomicInteger();
      String[] acknowledged = new String[1];
      Await.until("the node writing again", Duration.ofSeconds(90), Duration.ofMillis(500), () -> {
        String value = "after-" + attempts.incrementAndGet();
        try {
          courant.send(ProducerRecord.of(topic, null, value).withPartition(0)).toCompletableFuture().get(15, TimeUnit.SECONDS);
          acknowledged[0] = value;
          return true;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException)) {
            throw e;
          }
          return false;
        }
      });
      assertTrue(!node.system().getWhenTerminated().toCompletableFuture().isDone(),
          "the session watchdog left the node running through the outage");
      List<String> log = storedRecords(courant, tp);
      assertEquals("0:before", log.get(0), "the record acknowledged before the outage: " + log);
      assertTrue(log.subList(1, log.size()).stream().allMatch(v -> v.matches("\\d+:after-\\d+")),
          "nothing sent while Cassandra was down was stored: " + log);
      assertEquals(log.size(), log.stream().map(v -> v.substring(v.indexOf(':'))).distinct().count(), "no value stored twice: " + log);
      assertTrue(log.stream().anyMatch(v -> v.endsWith(":" + acknowledged[0])), "the acknowledged record is stored: " + log);
      if (source.second().toCompletableFuture().isDone()) {
        throw new AssertionError("the consumer source ended during the outage", source.second().toCompletableFuture().handle((d, f) -> f).join());
      }
      // A duplicate or a gap makes the two lists differ for good: the wait then fails at its deadline.
      Await.until("the source read each stored record once, in order", Duration.ofSeconds(30),
          () -> streamed.equals(storedRecords(courant, tp)));
      await(source.first().shutdown());
      assertEquals(storedRecords(courant, tp), streamed, "nothing more arrived before the source shut down");
    } finally {
      cassandra.close();
    }
  }

  /** The partition's records as "offset:value". */
  private static List<String> storedRecords(Courant courant, TopicPartition tp) {
    return await(courant.fetch(tp, 0, 1 << 20, Duration.ZERO)).records().stream().map(r -> r.offset() + ":" + r.valueString()).toList();
  }
}
