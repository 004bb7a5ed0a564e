package io.courant.log;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.failure;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.OffsetOutOfRangeException;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.Await;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The log start moves forward (DeleteRecords, retention.ms, retention.bytes), durably, and old events leave the journal. */
class RetentionTest {
  private static final Config CONFIG = ConfigFactory.parseString(
      "courant.log.retention-check-interval = 200ms\ncourant.log.snapshot-every = 5");

  /** Writes {@code events} journal events of 3 records each ("r0", "r1", ...), with these timestamps per event. */
  private static void write(Courant courant, String topic, int events, long... timestamps) {
    for (int e = 0; e < events; e++) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int j = 0; j < 3; j++) {
        Long timestamp = timestamps.length > e ? timestamps[e] : null;
        batch.add(new ProducerRecord(topic, 0, timestamp, ("k" + (e * 3 + j)).getBytes(), ("r" + (e * 3 + j)).getBytes(), List.of()));
      }
      await(courant.sendAll(batch, Acks.ALL));
    }
  }

  private static List<Long> journalSeqNrs(CqlSession session, Courant courant, String topic) {
    var id = await(courant.describeTopic(topic)).topicId();
    return session.execute("SELECT sequence_nr FROM courant_journal.messages WHERE persistence_id = ? AND partition_nr = 0",
        "partition|" + Partition.entityId(id, 0)).all().stream().map(row -> row.getLong(0)).toList();
  }

  @Test
  void deleteRecordsMovesTheLogStartDeletesOldJournalEventsAndSurvivesARestart() {
    String topic = uniqueTopic("delete-records");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (TestNode node = TestNode.start(CONFIG); CqlSession cql = TestCassandra.connect(TestCassandra.contactPoint())) {
      Courant courant = node.courant();
      await(courant.createTopic(new NewTopic(topic, 1)));
      write(courant, topic, 4);
      assertEquals(List.of(1L, 2L, 3L, 4L), journalSeqNrs(cql, courant, topic));

      assertEquals(7L, await(courant.deleteRecords(tp, 7)));
      assertEquals(7L, await(courant.earliestOffset(tp)));
      failure(OffsetOutOfRangeException.class, courant.fetch(tp, 3, 1 << 20, Duration.ZERO));
      List<ConsumerRecord> fromStart = await(courant.fetch(tp, 7, 1 << 20, Duration.ZERO)).records();
      assertEquals("r7", fromStart.get(0).valueString());

      assertEquals(7L, await(courant.deleteRecords(tp, 2)), "the log start never moves back");
      var past = failure(OffsetOutOfRangeException.class, courant.deleteRecords(tp, 99));
      assertEquals("cannot delete records of partition " + topic + "-0 before offset 99: the offset must be between the log "
          + "start 7 and the log end 12 (or -1 for the log end)", past.getMessage());
      // The events holding only offsets 0-5 go once a snapshot holds the new log start.
      Await.until("journal events 1-2 deleted", Duration.ofSeconds(20), () -> !journalSeqNrs(cql, courant, topic).contains(2L));
      assertEquals(List.of(3L, 4L), journalSeqNrs(cql, courant, topic).subList(0, 2));
    }
    try (TestNode node = TestNode.start(CONFIG)) {
      Courant courant = node.courant();
      assertEquals(7L, await(courant.earliestOffset(tp)));
      assertEquals(12L, await(courant.latestOffset(tp)));
      assertEquals(List.of("r7", "r8", "r9", "r10", "r11"),
          await(courant.fetch(tp, 7, 1 << 20, Duration.ZERO)).records().stream().map(ConsumerRecord::valueString).toList());
      assertEquals(12L, await(courant.deleteRecords(tp, Partition.HIGH_WATERMARK)));
      assertEquals(12L, await(courant.earliestOffset(tp)));
      assertEquals(12L, await(courant.send(ProducerRecord.of(topic, null, "next").withPartition(0))).offset());
    }
  }

  @Test
  void retentionMsAndRetentionBytesMoveTheLogStartInTheBackground() {
    long now = System.currentTimeMillis();
    long hourAgo = now - 3_600_000;
    try (TestNode node = TestNode.start(CONFIG)) {
      Courant courant = node.courant();
      String byTime = uniqueTopic("retention-ms");
      await(courant.createTopic(new NewTopic(byTime, 1, Map.of("retention.ms", "60000"))));
      write(courant, byTime, 4, hourAgo, hourAgo, now, now);
      Await.until("records older than retention.ms gone", Duration.ofSeconds(20),
          () -> await(courant.earliestOffset(new TopicPartition(byTime, 0))) == 6L);

      String bySize = uniqueTopic("retention-bytes");
      await(courant.createTopic(new NewTopic(bySize, 1, Map.of("retention.bytes", "1"))));
      write(courant, bySize, 4);
      // Kafka deletes the oldest segments while what remains still holds retention.bytes: the newest event stays.
      Await.until("the log cut to retention.bytes", Duration.ofSeconds(20),
          () -> await(courant.earliestOffset(new TopicPartition(bySize, 0))) == 9L);

      String compacted = uniqueTopic("compacted");
      await(courant.createTopic(new NewTopic(compacted, 1, Map.of("retention.ms", "60000", "cleanup.policy", "compact"))));
      write(courant, compacted, 2, hourAgo, hourAgo);
      String later = uniqueTopic("altered");
      await(courant.createTopic(new NewTopic(later, 1)));
      write(courant, later, 3, hourAgo, hourAgo, now);
      await(courant.alterConfigs(later, Map.of("retention.ms", "60000"), Set.of()));
      Await.until("retention.ms set later applies", Duration.ofSeconds(20),
          () -> await(courant.earliestOffset(new TopicPartition(later, 0))) == 6L);
      assertEquals(0L, await(courant.earliestOffset(new TopicPartition(compacted, 0))),
          "cleanup.policy=compact alone deletes nothing by time");
    }
  }
}
