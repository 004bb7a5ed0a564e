package io.courant.log;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RecordMetadata;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log survives a node restart: offsets continue, data and producer state are recovered. */
class PartitionRestartTest {
  // Snapshot often, so that recovery goes through a snapshot plus a tail of events.
  private static final Config CONFIG = ConfigFactory.parseString("courant.log.snapshot-every = 5");

  @Test
  void offsetsContinueAfterTheNodeIsStoppedAndStartedAgain() {
    String topic = uniqueTopic("restart");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (TestNode node = TestNode.start(CONFIG)) {
      await(node.courant().createTopic(new NewTopic(topic, 1)));
      for (int i = 0; i < 23; i++) {
        List<ProducerRecord> batch = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
          batch.add(ProducerRecord.of(topic, "k", "r" + (i * 3 + j)).withPartition(0));
        }
        await(node.courant().sendAll(batch, Acks.ALL));
      }
    }
    try (TestNode node = TestNode.start(CONFIG)) {
      assertEquals(69L, await(node.courant().latestOffset(tp)));
      RecordMetadata md = await(node.courant().send(ProducerRecord.of(topic, "k", "after restart").withPartition(0)));
      assertEquals(69, md.offset());
      List<String> values = new ArrayList<>();
      long offset = 0;
      while (offset < 70) {
        FetchResult r = await(node.courant().fetch(tp, offset, 1 << 20, Duration.ZERO));
        r.records().forEach(rec -> values.add(rec.valueString()));
        offset = r.nextOffset(offset);
      }
      assertEquals(70, values.size());
      assertEquals("r0", values.get(0));
      assertEquals("r68", values.get(68));
      assertEquals("after restart", values.get(69));
      Partition.LogStatus status = await(node.courant().logStatus(tp));
      assertEquals(24, status.journalEvents());
    }
  }

  @Test
  void producerSequencesAreRememberedAcrossARestart() {
    String topic = uniqueTopic("restart");
    TopicPartition tp = new TopicPartition(topic, 0);
    byte[] batch = io.courant.testing.Batches.idempotent(7L, (short) 3, 0, "once");
    try (TestNode node = TestNode.start(CONFIG)) {
      await(node.courant().createTopic(new NewTopic(topic, 1)));
      for (int i = 0; i < 12; i++) {
        await(node.courant().send(ProducerRecord.of(topic, "k", "filler").withPartition(0)));
      }
      await(node.courant().append(tp, batch, Acks.ALL));
    }
    try (TestNode node = TestNode.start(CONFIG)) {
      Partition.Appended retry = await(node.courant().append(tp, batch.clone(), Acks.ALL));
      assertEquals(12, retry.baseOffset(), "the retried batch keeps its original offset");
      assertEquals(13L, await(node.courant().latestOffset(tp)));
      List<ConsumerRecord> tail = await(node.courant().fetch(tp, 12, 1 << 20, Duration.ZERO)).records();
      assertEquals(1, tail.size());
      assertTrue(new String(tail.get(0).value(), StandardCharsets.UTF_8).equals("once"));
    }
  }
}
