package io.courant.log;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.failure;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.CourantException;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cleanup.policy=compact: the latest record per key stays at its offset, tombstones go after delete.retention.ms. */
class CompactionTest {
  // A small chunk size makes a pass write several compacted events.
  private static final Config CONFIG = ConfigFactory.parseString(
      "courant.log.retention-check-interval = 200ms\ncourant.log.group-commit-max-bytes = 300");

  private static void send(Courant courant, String topic, String... keyValues) {
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      batch.add(new ProducerRecord(topic, 0, null, keyValues[i].getBytes(StandardCharsets.UTF_8),
          keyValues[i + 1] == null ? null : keyValues[i + 1].getBytes(StandardCharsets.UTF_8), List.of()));
    }
    await(courant.sendAll(batch, Acks.ALL));
  }

  /** Every record from the log start: offset → "key=value". */
  private static Map<Long, String> read(Courant courant, TopicPartition tp) {
    Map<Long, String> out = new LinkedHashMap<>();
    long offset = await(courant.earliestOffset(tp));
    long end = await(courant.latestOffset(tp));
    while (offset < end) {
      FetchResult r = await(courant.fetch(tp, offset, 1 << 20, Duration.ZERO));
      for (ConsumerRecord c : r.records()) {
        out.put(c.offset(), c.keyString() + "=" + c.valueString());
      }
      offset = r.records().isEmpty() ? end : r.records().get(r.records().size() - 1).offset() + 1;
    }
    return out;
  }

  /** Waits until the log reads as {@code expected}; on time-out, fails showing what it read last. */
  private static void awaitLog(String what, Courant courant, TopicPartition tp, Map<Long, String> expected) {
    List<Map<Long, String>> last = new ArrayList<>(List.of(Map.of()));
    try {
      Await.until(what, Duration.ofSeconds(20), () -> {
        last.set(0, read(courant, tp));
        return last.get(0).equals(expected);
      });
    } catch (AssertionError e) {
      assertEquals(expected, last.get(0), what);
    }
  }

  @Test
  void theLatestRecordOfEachKeyStaysAtItsOffsetAndTombstonesGoAfterDeleteRetention() {
    String topic = uniqueTopic("compact");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (TestNode node = TestNode.start(CONFIG)) {
      Courant courant = node.courant();
      await(courant.createTopic(new NewTopic(topic, 1, Map.of("cleanup.policy", "compact", "delete.retention.ms", "0", "min.cleanable.dirty.ratio", "0.1"))));
      send(courant, topic, "a", "a1", "b", "b1", "c", "c1");   // offsets 0-2
      send(courant, topic, "a", "a2", "d", "d1");              // 3-4
      send(courant, topic, "b", null, "c", "c2");              // 5-6 (b deleted)
      send(courant, topic, "e", "e1");                         // 7, the newest event: not compacted yet

      var e = failure(CourantException.class, courant.send(new ProducerRecord(topic, 0, null, null, "no key".getBytes(), List.of())));
      assertEquals("partition " + topic + "-0: a compacted topic (cleanup.policy=compact) cannot accept a record without a key",
          e.getMessage());

      Map<Long, String> first = Map.of(3L, "a=a2", 4L, "d=d1", 5L, "b=null", 6L, "c=c2", 7L, "e=e1");
      awaitLog("the first compaction pass", courant, tp, first);
      assertEquals(8L, await(courant.latestOffset(tp)), "offsets never change");

      // More data makes the log dirty again; the second pass drops the tombstone (its delete horizon has passed).
      send(courant, topic, "a", "a3");                         // 8
      send(courant, topic, "f", "f1");                         // 9, the newest event
      Map<Long, String> second = Map.of(4L, "d=d1", 6L, "c=c2", 7L, "e=e1", 8L, "a=a3", 9L, "f=f1");
      awaitLog("the second compaction pass", courant, tp, second);
      assertEquals(0L, await(courant.earliestOffset(tp)), "compaction leaves the log start where it is, as Kafka's");
      // A fetch at an offset compaction removed starts at the next record kept.
      assertEquals(6L, await(courant.fetch(tp, 5, 1 << 20, Duration.ZERO)).records().get(0).offset());
    }
    try (TestNode node = TestNode.start(CONFIG)) {
      Map<Long, String> afterRestart = read(node.courant(), tp);
      assertEquals(List.of(4L, 6L, 7L, 8L, 9L), new ArrayList<>(afterRestart.keySet()), "the compacted log survives a restart");
      assertEquals(10L, await(node.courant().send(new ProducerRecord(topic, 0, null, "g".getBytes(), "g1".getBytes(), List.of()))).offset());
    }
  }

  @Test
  void aNodeStoppedDuringCompactionKeepsTheLatestValueOfEveryKey() {
    String topic = uniqueTopic("compact-restart");
    TopicPartition tp = new TopicPartition(topic, 0);
    Map<String, String> latest = new LinkedHashMap<>();
    try (TestNode node = TestNode.start(CONFIG)) {
      Courant courant = node.courant();
      await(courant.createTopic(new NewTopic(topic, 1, Map.of("cleanup.policy", "compact"))));
      for (int round = 0; round < 30; round++) {
        List<String> kv = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          String key = "k" + ((round * 5 + k) % 12);
          String value = "v" + round + "-" + k;
          kv.add(key);
          kv.add(value);
          latest.put(key, value);
        }
        send(courant, topic, kv.toArray(String[]::new));
      }
      // Stop as soon as the first pass has written something: the pass is cut somewhere in the middle.
      Await.until("compaction under way", Duration.ofSeconds(20), () -> read(courant, tp).size() < 150);
    }
    try (TestNode node = TestNode.start(CONFIG)) {
      Courant courant = node.courant();
      Map<String, String> seen = new LinkedHashMap<>();
      Map<Long, String> records = read(courant, tp);
      records.values().forEach(kv -> seen.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)));
      assertEquals(latest, seen, "every key's latest value is there, last");
      assertEquals(150L, await(courant.latestOffset(tp)));
      Await.until("the compaction finishing after the restart", Duration.ofSeconds(20), () -> read(courant, tp).size() <= 12 + 5);
      List<Long> offsets = new ArrayList<>(read(courant, tp).keySet());
      for (int i = 1; i < offsets.size(); i++) {
        assertTrue(offsets.get(i) > offsets.get(i - 1), "offsets increase: " + offsets);
      }
    }
  }
}
