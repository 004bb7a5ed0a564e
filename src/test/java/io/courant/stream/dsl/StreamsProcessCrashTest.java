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
 * A word count and a windowed count of page views, embedded in a node of their own JVM, are killed
 * with {@code kill -9} while they count and input keeps arriving: no exception, no shutdown,
 * whatever Cassandra writes were in flight cut off where they were. New instances of the
 * applications on the surviving node take over: the word counts end exactly equal to the words of
 * every line stored in the input topic and the windowed counts to the views stored (nothing lost,
 * nothing counted twice), and the last count written to the output topic for each word is that
 * count.
 */
class StreamsProcessCrashTest {
  private static final int BATCH = 50;
  private static final int MAX_BATCHES = 600;
  /** Views are timestamped in the ten minutes before the test (older ones would fall to retention.ms). */
  private static final long VIEWS_FROM = System.currentTimeMillis() / 60_000 * 60_000 - 600_000;

  @Test
  void wordCountsAreExactAfterTheApplicationsNodeIsKilledMidStream() throws Exception {
    int port = TestCassandra.freePorts()[0];
    try (TestNode seed = TestNode.start(ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.hostname", "127.0.0.1", "pekko.remote.artery.canonical.port", port)))) {
      Courant courant = seed.courant();
      String lines = uniqueTopic("crash-lines");
      String counts = uniqueTopic("crash-counts");
      String views = uniqueTopic("crash-views");
      String app = uniqueTopic("wc-kill");
      String viewsApp = uniqueTopic("views-kill");
      for (String t : List.of(lines, counts, views)) {
        await(courant.createTopic(new NewTopic(t, 4)));
      }
      CourantStreams view = new CourantStreams(WordCountNode.wordCount(lines, counts, () -> {}), WordCountNode.props(app),
          seed.system());
      CourantStreams windowsView = new CourantStreams(WordCountNode.windowedCount(views, () -> {}), WordCountNode.props(viewsApp),
          seed.system());
      int sent = 0;
      try (NodeProcess child = NodeProcess.start("wc-kill", "127.0.0.2", "pekko://courant@127.0.0.1:" + port,
          List.of("wc.lines=" + lines, "wc.counts=" + counts, "wc.app=" + app, "wc.views=" + views, "wc.views-app=" + viewsApp),
          WordCountNode.class.getName())) {
        child.httpBase(); // its node is up
        Cluster cluster = Cluster.get(seed.system());
        Await.until("two nodes Up", Duration.ofSeconds(90), Duration.ofMillis(200), () -> upMembers(cluster) == 2);

        // Input keeps arriving while the child counts; it is killed once it has persisted some state.
        for (int b = 0; b < MAX_BATCHES && !bothCounting(view, windowsView); b++) {
          sent += send(courant, lines, views, sent);
        }
        Await.until("both applications persisted counts of 1,500 records", Duration.ofSeconds(180), Duration.ofMillis(100),
            () -> {
              if (!child.isAlive()) {
                throw new IllegalStateException("the child exited (its log: target/cluster-test/wc-kill.log)");
              }
              return bothCounting(view, windowsView);
            });
        long counted = common(view);
        long viewsCounted = total(windowedQueried(windowsView));
        child.kill();
        System.out.printf("StreamsProcessCrashTest: killed the child with %,d lines and %,d views sent, %,d lines and %,d views"
            + " counted and persisted%n", sent, sent, counted, viewsCounted);
      }
      int sentBeforeKill = sent;
      // More input while the application is down; then a new instance on the surviving node.
      for (int b = 0; b < 10; b++) {
        sent += sendRetrying(courant, lines, views, sent);
      }
      CourantStreams second = new CourantStreams(WordCountNode.wordCount(lines, counts, () -> {}), WordCountNode.props(app),
          seed.system());
      second.start();
      CourantStreams secondViews = new CourantStreams(WordCountNode.windowedCount(views, () -> {}), WordCountNode.props(viewsApp),
          seed.system());
      secondViews.start();
      try {
        Map<String, Long> expected = wordsOf(courant, lines);
        long stored = expected.getOrDefault("common", 0L);
        assertTrue(stored >= sent, "every acknowledged line is stored: " + stored + " of " + sent);
        Await.until("exact counts after the kill (" + sentBeforeKill + " lines sent before it)", Duration.ofSeconds(180),
            Duration.ofMillis(500), () -> expected.equals(queried(view)));
        Await.until("the output topic's last count per word is exact", Duration.ofSeconds(60), Duration.ofMillis(500),
            () -> expected.equals(lastCounts(courant, counts)));
        Map<String, Long> expectedWindows = windowsOf(courant, views);
        assertTrue(total(expectedWindows) >= sent, "every acknowledged view is stored: " + total(expectedWindows) + " of " + sent);
        Await.until("exact windowed counts after the kill", Duration.ofSeconds(180), Duration.ofMillis(500),
            () -> expectedWindows.equals(windowedQueried(windowsView)));
      } finally {
        second.close();
        secondViews.close();
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

  private static boolean bothCounting(CourantStreams words, CourantStreams windows) {
    return common(words) >= 1500 && total(windowedQueried(windows)) >= 1500;
  }

  /** A batch of lines, and as many page views with out-of-order timestamps over ten minutes. */
  private static int send(Courant courant, String lines, String views, int from) {
    List<ProducerRecord> batch = new ArrayList<>(2 * BATCH);
    for (int i = from; i < from + BATCH; i++) {
      batch.add(ProducerRecord.of(lines, "line-" + i, "w" + (i % 13) + " common"));
      batch.add(ProducerRecord.of(views, "page-" + (i % 5), "view").withTimestamp(VIEWS_FROM + (i * 7919L) % 600_000));
    }
    await(courant.sendAll(batch, Acks.ALL));
    return BATCH;
  }

  /**
   * Sends until acknowledged while partitions move off the killed node. A retried batch may be
   * stored twice; the expected counts are taken from the input topic itself, so that is fine.
   */
  private static int sendRetrying(Courant courant, String lines, String views, int from) {
    int[] done = new int[1];
    Await.until("a batch acknowledged after the kill", Duration.ofSeconds(120), Duration.ofMillis(200), () -> {
      try {
        done[0] = send(courant, lines, views, from);
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

  private static Map<String, Long> windowedQueried(CourantStreams view) {
    try {
      return CrashRecoveryTest.queriedWindows(view);
    } catch (RuntimeException e) {
      return Map.of(); // a store partition not reachable right now
    }
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Views per page and minute of every view stored in the topic. */
  private static Map<String, Long> windowsOf(Courant courant, String topic) {
    Map<String, Long> windows = new TreeMap<>();
    for (ConsumerRecord r : all(courant, topic)) {
      windows.merge(new String(r.key(), StandardCharsets.UTF_8) + "@" + (r.timestamp() - r.timestamp() % 60_000), 1L, Long::sum);
    }
    return windows;
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
