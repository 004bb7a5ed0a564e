package io.courant.stream.dsl;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RetriableException;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.Await;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A word count embedded in a node of its own JVM is killed with {@code kill -9} while it counts and
 * input keeps arriving; no exception, no shutdown, whatever Cassandra writes were in flight cut off
 * where they were. A new instance of the application on the surviving node takes over: its counts
 * end exactly equal to the words of every line stored in the input topic (nothing lost, nothing
 * counted twice), and the last count written to the output topic for each word is that count.
 */
class StreamsProcessCrashTest {
  private static final int BATCH = 50;
  private static final int MAX_BATCHES = 600;

  @Test
  void wordCountsAreExactAfterTheApplicationsNodeIsKilledMidStream() throws Exception {
    int port = TestCassandra.freePorts()[0];
    try (TestNode seed = TestNode.start(ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.hostname", "127.0.0.1", "pekko.remote.artery.canonical.port", port)))) {
      Courant courant = seed.courant();
      String lines = uniqueTopic("crash-lines");
      String counts = uniqueTopic("crash-counts");
      String app = uniqueTopic("wc-kill");
      await(courant.createTopic(new NewTopic(lines, 4)));
      await(courant.createTopic(new NewTopic(counts, 4)));
      CourantStreams view = new CourantStreams(WordCountNode.wordCount(lines, counts, () -> {}), WordCountNode.props(app),
          seed.system());
      int sent = 0;
      try (NodeProcess child = NodeProcess.start("wc-kill", "127.0.0.2", "pekko://courant@127.0.0.1:" + port,
          List.of("wc.lines=" + lines, "wc.counts=" + counts, "wc.app=" + app), WordCountNode.class.getName())) {
        child.httpBase(); // its node is up
        Cluster cluster = Cluster.get(seed.system());
        Await.until("two nodes Up", Duration.ofSeconds(90), Duration.ofMillis(200), () -> upMembers(cluster) == 2);

        // Input keeps arriving while the child counts; it is killed once it has persisted some state.
        for (int b = 0; b < MAX_BATCHES && common(view) < 1500; b++) {
          sent += send(courant, lines, sent);
        }
        Await.until("the child persisted the counts of 1,500 lines", Duration.ofSeconds(180), Duration.ofMillis(100),
            () -> {
              if (!child.isAlive()) {
                throw new IllegalStateException("the child exited (its log: target/cluster-test/wc-kill.log)");
              }
              return common(view) >= 1500;
            });
        long counted = common(view);
        child.kill();
        System.out.printf("StreamsProcessCrashTest: killed the child with %,d lines sent, %,d counted and persisted%n", sent, counted);
      }
      int sentBeforeKill = sent;
      // More input while the application is down; then a new instance on the surviving node.
      for (int b = 0; b < 10; b++) {
        sent += sendRetrying(courant, lines, sent);
      }
      CourantStreams second = new CourantStreams(WordCountNode.wordCount(lines, counts, () -> {}), WordCountNode.props(app),
          seed.system());
      second.start();
      try {
        Map<String, Long> expected = wordsOf(courant, lines);
        long stored = expected.getOrDefault("common", 0L);
        assertTrue(stored >= sent, "every acknowledged line is stored: " + stored + " of " + sent);
        Await.until("exact counts after the kill (" + sentBeforeKill + " lines sent before it)", Duration.ofSeconds(180),
            Duration.ofMillis(500), () -> expected.equals(queried(view)));
        Await.until("the output topic's last count per word is exact", Duration.ofSeconds(60), Duration.ofMillis(500),
            () -> expected.equals(lastCounts(courant, counts)));
      } finally {
        second.close();
      }
    }
  }

  private static int upMembers(Cluster cluster) {
    int up = 0;
    for (var m : cluster.state().getMembers()) {
      up += m.status() == MemberStatus.up() ? 1 : 0;
    }
    return up;
  }

  private static int send(Courant courant, String topic, int from) {
    List<ProducerRecord> batch = new ArrayList<>(BATCH);
    for (int i = from; i < from + BATCH; i++) {
      batch.add(ProducerRecord.of(topic, "line-" + i, "w" + (i % 13) + " common"));
    }
    await(courant.sendAll(batch, Acks.ALL));
    return BATCH;
  }

  /**
   * Sends until acknowledged while partitions move off the killed node. A retried batch may be
   * stored twice; the expected counts are taken from the input topic itself, so that is fine.
   */
  private static int sendRetrying(Courant courant, String topic, int from) {
    int[] done = new int[1];
    Await.until("a batch acknowledged after the kill", Duration.ofSeconds(120), Duration.ofMillis(200), () -> {
      try {
        done[0] = send(courant, topic, from);
        return true;
      } catch (RetriableException e) {
        return false;
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
          return false;
        }
        throw e;
      }
    });
    return done[0];
  }

  private static long common(CourantStreams view) {
    try {
      Long n = view.<String, Long>keyValueStore("word-counts").get("common").toCompletableFuture().get(30, TimeUnit.SECONDS);
      return n == null ? 0 : n;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return 0; // a store partition not reachable right now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static Map<String, Long> queried(CourantStreams view) {
    Map<String, Long> out = new TreeMap<>();
    try {
      view.<String, Long>keyValueStore("word-counts").all().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .forEach(kv -> out.put(kv.key(), kv.value()));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return Map.of(); // a store partition moving to the surviving node
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** Word counts of every line stored in the input topic. */
  private static Map<String, Long> wordsOf(Courant courant, String topic) {
    Map<String, Long> words = new TreeMap<>();
    for (ConsumerRecord r : all(courant, topic)) {
      for (String w : r.valueString().split(" ")) {
        words.merge(w, 1L, Long::sum);
      }
    }
    return words;
  }

  /** The last count written to the output topic for each word (one word is always on one partition). */
  private static Map<String, Long> lastCounts(Courant courant, String topic) {
    Map<String, Long> last = new TreeMap<>();
    for (ConsumerRecord r : all(courant, topic)) {
      last.put(new String(r.key(), StandardCharsets.UTF_8), ByteBuffer.wrap(r.value()).getLong());
    }
    return last;
  }

  private static List<ConsumerRecord> all(Courant courant, String topic) {
    List<ConsumerRecord> out = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      long offset = await(courant.earliestOffset(tp));
      long end = await(courant.latestOffset(tp));
      while (offset < end) {
        FetchResult r = await(courant.fetch(tp, offset, 1 << 20, Duration.ZERO));
        out.addAll(r.records());
        offset = r.nextOffset(offset);
      }
    }
    return out;
  }
}
