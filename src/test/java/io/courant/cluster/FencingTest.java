package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RecordMetadata;
import io.courant.client.TopicPartition;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The owner of a partition is frozen with SIGSTOP past its downing while appends keep coming, then
 * resumed: the partition moves to a survivor, and the resumed node, with appends for the partition
 * still in its mailbox, writes none of them (its lease ran out). Checked in Cassandra itself: no
 * journal sequence number holds two events, and every acknowledged offset holds the acknowledged
 * record.
 */
class FencingTest {
  @Test
  void aPausedOwnerThatResumesAfterItsPartitionMovedWritesNothing() throws Exception {
    try (ThreeNodes nodes = new ThreeNodes("fencing"); CqlSession cql = TestCassandra.connect(TestCassandra.contactPoint())) {
      TestNode seed = nodes.seed;
      NodeProcess b = nodes.b;
      Courant courant = seed.courant();
      String topic = uniqueTopic("fencing");
      await(courant.createTopic(new NewTopic(topic, 12)));
      for (int p = 0; p < 12; p++) {
        await(courant.send(ProducerRecord.of(topic, null, "start").withPartition(p)));
      }
      UUID topicId = await(courant.describeTopic(topic)).topicId();
      int onB = ClusterFailoverTest.partitionOn(seed, topicId, b.address()).orElseThrow(() -> new AssertionError("nothing on b"));
      TopicPartition tp = new TopicPartition(topic, onB);

      Map<Long, String> acked = new ConcurrentHashMap<>();
      int[] sent = {0};
      Runnable produceOnce = () -> {
        String value = "r" + sent[0]++;
        try {
          RecordMetadata md = courant.send(ProducerRecord.of(topic, null, value).withPartition(onB)).toCompletableFuture()
              .get(1, TimeUnit.SECONDS);
          acked.put(md.offset(), value);
        } catch (Exception e) {
          // not acknowledged (the owner is frozen or the partition is moving): the client would retry
        }
      };
      for (int i = 0; i < 20; i++) {
        produceOnce.run();
      }
      b.pause();
      long pausedAt = System.nanoTime();
      // Appends keep coming: the first ones wait in the frozen node's mailbox, later ones reach the
      // partition's new owner once b is downed and its lease has run out.
      while (System.nanoTime() - pausedAt < TimeUnit.SECONDS.toNanos(20)) {
        produceOnce.run();
      }
      b.resume();
      long resumedAt = System.nanoTime();
      while (System.nanoTime() - resumedAt < TimeUnit.SECONDS.toNanos(5)) {
        produceOnce.run();
      }
      Await.until("appends acknowledged after the move", Duration.ofSeconds(30), () -> {
        produceOnce.run();
        return acked.keySet().stream().anyMatch(o -> o > 21);
      });

      String persistenceId = "partition|" + Partition.entityId(topicId, onB);
      List<Long> seqNrs = new ArrayList<>();
      for (long partitionNr = 0; partitionNr < 1000; partitionNr++) {
        var rows = cql.execute("SELECT sequence_nr FROM courant_journal.messages WHERE persistence_id = ? AND partition_nr = ?",
            persistenceId, partitionNr).all();
        if (rows.isEmpty() && partitionNr > seqNrs.size() / 100 + 1) {
          break;
        }
        rows.forEach(row -> seqNrs.add(row.getLong(0)));
      }
      Set<Long> distinct = new HashSet<>(seqNrs);
      assertEquals(distinct.size(), seqNrs.size(), "a journal sequence number holds two events: two writers");

      Map<Long, String> stored = new HashMap<>();
      long offset = 0;
      long end = await(courant.latestOffset(tp));
      while (offset < end) {
        FetchResult r = await(courant.fetch(tp, offset, 1 << 20, Duration.ZERO));
        for (ConsumerRecord record : r.records()) {
          stored.put(record.offset(), record.valueString());
        }
        offset = r.records().get(r.records().size() - 1).offset() + 1;
      }
      acked.forEach((o, value) -> assertEquals(value, stored.get(o), "offset " + o + " holds the record acknowledged for it"));
      assertTrue(acked.size() > 20, "appends were acknowledged after the move: " + acked.size());
      System.out.printf("fencing: %d appends acknowledged, %d journal events, partition end %d%n", acked.size(), seqNrs.size(), end);
    }
  }
}
