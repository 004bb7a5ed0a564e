package io.courant.stream.dsl;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.log.Partition.Acks;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A word count, a windowed count and a table re-aggregation whose instances fail mid-stream (an exception in the topology, between commits:
 * what it processed since its last commit is lost with it) and are replaced by new instances: the
 * counts end exactly equal to the input's, nothing lost, nothing counted twice.
 */
class CrashRecoveryTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static final int RECORDS = 3000;
  private static final AtomicInteger CRASH_AFTER = new AtomicInteger();

  @Test
  void wordCountsAreExactAfterTheApplicationFailsMidStreamAndIsRestarted() {
    String lines = uniqueTopic("lines");
    String counts = uniqueTopic("counts");
    for (String t : List.of(lines, counts)) {
      await(node.courant().createTopic(new NewTopic(t, 4)));
    }
    String app = uniqueTopic("wc-crash");
    Map<String, Long> words = new TreeMap<>();
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String line = "w" + (i % 13) + " common";
      for (String w : line.split(" ")) {
        words.merge(w, 1L, Long::sum);
      }
      batch.add(ProducerRecord.of(lines, "line-" + i, line));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    CourantStreams view = new CourantStreams(wordCount(lines, counts, false), props(app), node.system());

    CRASH_AFTER.set(RECORDS / 2);
    CourantStreams first = new CourantStreams(wordCount(lines, counts, true), props(app), node.system());
    first.start();
    Await.until("the first instance failed", Duration.ofSeconds(120), Duration.ofMillis(100),
        () -> first.state() == CourantStreams.State.ERROR);
    long counted = common(view);
    assertTrue(counted < RECORDS, "failed mid-stream: " + counted + " of " + RECORDS + " lines counted");
    first.close();

    CourantStreams second = new CourantStreams(wordCount(lines, counts, false), props(app), node.system());
    second.start();
    Await.until("exact word counts after the restart", Duration.ofSeconds(120), Duration.ofMillis(500),
        () -> words.equals(queriedWords(view)));
    long reprocessed = second.metrics().get("process-total");
    // When the first instance failed before its first commit, starting over is what a restart must
    // do; otherwise the second resumes after what the first one's persisted state holds.
    assertTrue(counted == 0 || reprocessed < RECORDS * 3L,
        "the second instance resumed where the first one's state ended (" + counted + " lines), it did not start over: " + reprocessed);
    second.close();
  }

  @Test
  void windowedCountsAreExactAfterTheApplicationFailsMidStreamAndIsRestarted() {
    String views = uniqueTopic("views");
    await(node.courant().createTopic(new NewTopic(views, 4)));
    String app = uniqueTopic("views-crash");
    Map<String, Long> windows = new TreeMap<>();
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String page = "page-" + (i % 5);
      long ts = 1_000_000L + (i * 7919L) % 600_000; // out of order, over 10 minutes
      windows.merge(page + "@" + (ts - ts % 60_000), 1L, Long::sum);
      batch.add(ProducerRecord.of(views, page, "view").withTimestamp(ts));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    CourantStreams view = new CourantStreams(windowedCount(views, false), props(app), node.system());

    CRASH_AFTER.set(RECORDS / 2);
    CourantStreams first = new CourantStreams(windowedCount(views, true), props(app), node.system());
    first.start();
    Await.until("the first instance failed", Duration.ofSeconds(120), Duration.ofMillis(100),
        () -> first.state() == CourantStreams.State.ERROR);
    first.close();
    long counted = queriedWindows(view).values().stream().mapToLong(Long::longValue).sum();
    assertTrue(counted < RECORDS, "failed mid-stream: " + counted + " of " + RECORDS + " views counted");

    CourantStreams second = new CourantStreams(windowedCount(views, false), props(app), node.system());
    second.start();
    Await.until("exact windowed counts after the restart", Duration.ofSeconds(120), Duration.ofMillis(500),
        () -> windows.equals(queriedWindows(view)));
    second.close();
  }

  @Test
  void tableReAggregationsAreExactAfterTheApplicationFailsMidStreamAndIsRestarted() {
    String accounts = uniqueTopic("accounts");
    await(node.courant().createTopic(new NewTopic(accounts, 4)));
    String app = uniqueTopic("regions-crash");
    Map<String, String> latest = new TreeMap<>();
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String account = "acct-" + (i % 150);
      String value = i % 17 == 0 ? null : "r" + (i * 31 % 7) + ":" + (i % 100); // moves between regions, some deletions
      if (value == null) {
        latest.remove(account);
      } else {
        latest.put(account, value);
      }
      batch.add(ProducerRecord.of(accounts, account, value));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    Map<String, Long> expected = new TreeMap<>();
    latest.values().forEach(v -> expected.merge(v.split(":")[0] + "=count", 1L, Long::sum));
    latest.values().forEach(v -> expected.merge(v.split(":")[0] + "=sum", Long.parseLong(v.split(":")[1]), Long::sum));
    CourantStreams view = new CourantStreams(regions(accounts, false), props(app), node.system());

    CRASH_AFTER.set(RECORDS / 2);
    CourantStreams first = new CourantStreams(regions(accounts, true), props(app), node.system());
    first.start();
    Await.until("the first instance failed", Duration.ofSeconds(120), Duration.ofMillis(100),
        () -> first.state() == CourantStreams.State.ERROR);
    first.close();

    CourantStreams second = new CourantStreams(regions(accounts, false), props(app), node.system());
    second.start();
    Await.until("exact counts and sums per region after the restart", Duration.ofSeconds(120), Duration.ofMillis(500),
        () -> expected.equals(queriedRegions(view)));
    second.close();
  }

  /** accounts (id → "region:balance") re-grouped by region: accounts and balance per region. */
  static Topology regions(String accounts, boolean crashing) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> table = builder.stream(accounts, Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> {
          if (crashing && CRASH_AFTER.decrementAndGet() <= 0) {
            throw new IllegalStateException("failure injected by the test");
          }
        })
        .toTable(Materialized.with(Serdes.String(), Serdes.String()));
    KGroupedTable<String, Long> byRegion = table.groupBy((id, v) -> KeyValue.pair(v.split(":")[0], Long.parseLong(v.split(":")[1])),
        Grouped.with(Serdes.String(), Serdes.Long()));
    byRegion.count(Materialized.as("accounts-per-region"));
    byRegion.reduce(Long::sum, (total, old) -> total - old, Materialized.as("balance-per-region"));
    return builder.build();
  }

  private static Map<String, Long> queriedRegions(CourantStreams view) {
    Map<String, Long> out = new TreeMap<>();
    await(view.<String, Long>keyValueStore("accounts-per-region").all()).stream().filter(kv -> kv.value() != 0)
        .forEach(kv -> out.put(kv.key() + "=count", kv.value()));
    await(view.<String, Long>keyValueStore("balance-per-region").all()).stream().filter(kv -> out.containsKey(kv.key() + "=count"))
        .forEach(kv -> out.put(kv.key() + "=sum", kv.value()));
    return out;
  }

  static Topology windowedCount(String views, boolean crashing) {
    return WordCountNode.windowedCount(views, () -> {
      if (crashing && CRASH_AFTER.decrementAndGet() <= 0) {
        throw new IllegalStateException("failure injected by the test");
      }
    });
  }

  static Map<String, Long> queriedWindows(CourantStreams view) {
    Map<String, Long> out = new TreeMap<>();
    await(view.<String, Long>windowStore("views-per-minute").fetchAll(0, Long.MAX_VALUE))
        .forEach(kv -> out.put(kv.key().key() + "@" + kv.key().window().start(), kv.value()));
    return out;
  }

  static Topology wordCount(String lines, String counts, boolean crashing) {
    return WordCountNode.wordCount(lines, counts, () -> {
      if (crashing && CRASH_AFTER.decrementAndGet() <= 0) {
        throw new IllegalStateException("failure injected by the test");
      }
    });
  }

  private static java.util.Properties props(String app) {
    return WordCountNode.props(app);
  }

  private static long common(CourantStreams view) {
    Long n = await(view.<String, Long>keyValueStore("word-counts").get("common"));
    return n == null ? 0 : n;
  }

  private static Map<String, Long> queriedWords(CourantStreams view) {
    Map<String, Long> out = new TreeMap<>();
    await(view.<String, Long>keyValueStore("word-counts").all()).forEach(kv -> out.put(kv.key(), kv.value()));
    return out;
  }
}
