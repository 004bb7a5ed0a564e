package io.courant.log;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.failure;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.CorruptRecordException;
import io.courant.client.CourantException;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.OffsetAndTimestamp;
import io.courant.client.OffsetOutOfRangeException;
import io.courant.client.OutOfOrderSequenceException;
import io.courant.client.ProducerRecord;
import io.courant.client.RecordMetadata;
import io.courant.client.RecordTooLargeException;
import io.courant.client.TopicPartition;
import io.courant.client.UnknownTopicOrPartitionException;
import io.courant.log.Partition.Acks;
import io.courant.log.internal.kafka.RecordBatches;
import io.courant.testing.NodeExtension;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The partition log end to end, through the Java API, on a real Cassandra. */
class PartitionLogTest {
  // A small tail cache, so that reads of older data go to the journal, and a small node-wide cache
  // bound, so that partitions evict each other's events.
  @RegisterExtension
  static final NodeExtension node = new NodeExtension(ConfigFactory.parseString("""
      courant.log.tail-cache-bytes = 64 KiB
      courant.log.read-ahead-bytes = 256 KiB
      courant.log.cache-max-bytes = 1 MiB
      """));

  private static String topic(int partitions) {
    String name = uniqueTopic("log");
    await(node.courant().createTopic(new NewTopic(name, partitions)));
    return name;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord> readAll(TopicPartition tp, long from) {
    List<ConsumerRecord> out = new ArrayList<>();
    long offset = from;
    while (true) {
      FetchResult r = await(node.courant().fetch(tp, offset, 64 * 1024, Duration.ZERO));
      if (r.records().isEmpty()) {
        return out;
      }
      out.addAll(r.records());
      offset = r.nextOffset(offset);
    }
  }

  @Test
  void manyPartitionsReadFromTheStartStayWithinTheNodeWideCacheBound() {
    // 8 partitions x ~600 KiB: their per-partition limits (64 KiB tail + 2 x 256 KiB read-ahead)
    // add up to ~4.5 MiB, four times the node's 1 MiB bound.
    String topic = topic(8);
    byte[] value = new byte[1000];
    for (int batch = 0; batch < 5; batch++) {
      List<ProducerRecord> records = new ArrayList<>();
      for (int p = 0; p < 8; p++) {
        for (int i = 0; i < 120; i++) {
          value[0] = (byte) i;
          records.add(new ProducerRecord(topic, p, null, utf8("k" + batch + "-" + i), value.clone(), List.of()));
        }
      }
      await(node.courant().sendAll(records, Acks.ALL));
    }
    var cache = io.courant.log.internal.EventCache.get(node.system());
    for (int p = 0; p < 8; p++) {
      List<ConsumerRecord> read = readAll(new TopicPartition(topic, p), 0);
      assertEquals(600, read.size(), "partition " + p);
      for (int i = 0; i < read.size(); i++) {
        assertEquals(i, read.get(i).offset());
        assertEquals("k" + (i / 120) + "-" + (i % 120), new String(read.get(i).key(), StandardCharsets.UTF_8));
        assertEquals((byte) (i % 120), read.get(i).value()[0]);
      }
      assertTrue(cache.weightedBytes() <= 1024 * 1024, "cache holds " + cache.weightedBytes() + " bytes");
    }
    assertTrue(cache.weightedBytes() > 0, "the cache is used");
  }

  @Test
  void aJournalEventOtherThanTheIndexNamesFailsTheReadInsteadOfAnsweringOtherOffsets() {
    String name = uniqueTopic("overwritten");
    var created = await(node.courant().createTopic(new NewTopic(name, 1)));
    TopicPartition tp = new TopicPartition(name, 0);
    for (int i = 0; i < 3; i++) {
      // each over the 64 KiB tail cache (read back from the journal), each of its own size
      await(node.courant().send(new ProducerRecord(name, 0, null, utf8("k" + i), new byte[100_000 + 1000 * i], List.of())));
    }
    String persistenceId = "partition|" + created.topicId() + "-0";
    try (var cql = io.courant.testing.TestCassandra.connect(io.courant.testing.TestCassandra.contactPoint())) {
      var rows = cql.execute("SELECT sequence_nr, timestamp, ser_manifest, event FROM courant_journal.messages"
              + " WHERE persistence_id = ? AND partition_nr = 0", persistenceId).all().stream()
          .filter(r -> r.getString(2).equals(io.courant.log.internal.PartitionLogSerializer.RECORDS_APPENDED))
          .toList();
      // What a write that timed out and landed after a newer one at the same sequence number would
      // leave: the journal holds another event than the one the index was built from.
      cql.execute("UPDATE courant_journal.messages SET event = ? WHERE persistence_id = ? AND partition_nr = 0"
          + " AND sequence_nr = ? AND timestamp = ?", rows.get(1).getByteBuffer(3), persistenceId, rows.get(0).getLong(0),
          rows.get(0).getUuid(1));
    }
    CourantException e = assertThrows(CourantException.class,
        () -> await(node.courant().fetch(tp, 0, 1 << 20, Duration.ZERO)));
    assertTrue(e.getMessage().contains("where the index expects"), e.getMessage());
    // The events after it are still read, at their own offsets.
    FetchResult later = await(node.courant().fetch(tp, 1, 1 << 20, Duration.ZERO));
    assertEquals(1, later.records().get(0).offset());
  }

  @Test
  void recordsAreReadBackInOrderWithKeysValuesHeadersAndTimestamps() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    List<ProducerRecord> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(new ProducerRecord(topic, 0, 1_700_000_000_000L + i, utf8("k" + i), utf8("value " + i),
          List.of(new Header("trace", utf8("t" + i)), new Header("empty", null))));
    }
    List<RecordMetadata> first = await(node.courant().sendAll(sent.subList(0, 20), Acks.ALL));
    List<RecordMetadata> second = await(node.courant().sendAll(sent.subList(20, 50), Acks.LEADER));
    assertEquals(0, first.get(0).offset());
    assertEquals(19, first.get(19).offset());
    assertEquals(20, second.get(0).offset());

    List<ConsumerRecord> read = readAll(tp, 0);
    assertEquals(50, read.size());
    for (int i = 0; i < 50; i++) {
      ConsumerRecord r = read.get(i);
      assertEquals(i, r.offset());
      assertEquals("k" + i, r.keyString());
      assertEquals("value " + i, r.valueString());
      assertEquals(1_700_000_000_000L + i, r.timestamp());
      assertEquals(List.of(new Header("trace", utf8("t" + i)), new Header("empty", null)), r.headers());
    }
  }

  @Test
  void nullKeysAndTombstonesRoundTrip() {
    String topic = topic(1);
    await(node.courant().send(new ProducerRecord(topic, 0, null, null, null, List.of())));
    ConsumerRecord r = readAll(new TopicPartition(topic, 0), 0).get(0);
    assertEquals(null, r.key());
    assertEquals(null, r.value());
  }

  @Test
  void fetchFromTheMiddleOfABatchStartsAtThatOffset() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(ProducerRecord.of(topic, "k", "v" + i).withPartition(0));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    FetchResult r = await(node.courant().fetch(tp, 7, 1024 * 1024, Duration.ZERO));
    assertEquals(List.of(7L, 8L, 9L), r.records().stream().map(ConsumerRecord::offset).toList());
    assertEquals("v7", r.records().get(0).valueString());
    assertEquals(10, r.highWatermark());
  }

  @Test
  void oldDataIsReadBackFromTheJournalBeyondTheTailCache() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    byte[] value = new byte[1000];
    for (int round = 0; round < 20; round++) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        value[0] = (byte) (round * 10 + i);
        batch.add(ProducerRecord.of(topic, null, value.clone()).withPartition(0));
      }
      await(node.courant().sendAll(batch, Acks.ALL));
    }
    // 200 KB written, 64 KiB tail: the first records come from Cassandra.
    List<ConsumerRecord> all = readAll(tp, 0);
    assertEquals(200, all.size());
    for (int i = 0; i < 200; i++) {
      assertEquals(i, all.get(i).offset());
      assertEquals((byte) i, all.get(i).value()[0]);
    }
  }

  @Test
  void timestampLookupFindsTheFirstRecordAtOrAfterTheTime() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    for (int i = 0; i < 5; i++) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int j = 0; j < 4; j++) {
        batch.add(ProducerRecord.of(topic, "k", "v").withPartition(0).withTimestamp(1000L * (i * 4 + j)));
      }
      await(node.courant().sendAll(batch, Acks.ALL));
    }
    assertEquals(Optional.of(new OffsetAndTimestamp(0, 0)), await(node.courant().offsetForTimestamp(tp, 0)));
    assertEquals(Optional.of(new OffsetAndTimestamp(9, 9000)), await(node.courant().offsetForTimestamp(tp, 8500)));
    assertEquals(Optional.of(new OffsetAndTimestamp(13, 13000)), await(node.courant().offsetForTimestamp(tp, 13000)));
    assertEquals(Optional.empty(), await(node.courant().offsetForTimestamp(tp, 20_000)));
    assertEquals(0L, await(node.courant().earliestOffset(tp)));
    assertEquals(20L, await(node.courant().latestOffset(tp)));
  }

  @Test
  void logAppendTimeTopicsStampTheAppendTime() {
    String topic = uniqueTopic("log");
    await(node.courant().createTopic(new NewTopic(topic, 1, Map.of("message.timestamp.type", "LogAppendTime"))));
    long before = System.currentTimeMillis();
    RecordMetadata md = await(node.courant().send(ProducerRecord.of(topic, "k", "v").withTimestamp(5)));
    assertTrue(md.timestamp() >= before, "append time " + md.timestamp() + " is not after " + before);
    assertEquals(md.timestamp(), readAll(new TopicPartition(topic, 0), 0).get(0).timestamp());
  }

  @Test
  void aRetriedBatchWithTheSameProducerSequenceIsStoredOnce() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    byte[] first = idempotentBatch(42L, (short) 0, 0, "a", "b");
    byte[] second = idempotentBatch(42L, (short) 0, 2, "c");

    Partition.Appended a1 = await(node.courant().append(tp, first, Acks.ALL));
    Partition.Appended retry = await(node.courant().append(tp, first.clone(), Acks.ALL));
    Partition.Appended a2 = await(node.courant().append(tp, second, Acks.ALL));

    assertEquals(0, a1.baseOffset());
    assertEquals(0, retry.baseOffset(), "a duplicate is answered with the original offsets");
    assertEquals(1, retry.lastOffset());
    assertEquals(2, a2.baseOffset());
    assertEquals(List.of("a", "b", "c"), readAll(tp, 0).stream().map(ConsumerRecord::valueString).toList());

    OutOfOrderSequenceException gap = failure(OutOfOrderSequenceException.class,
        node.courant().append(tp, idempotentBatch(42L, (short) 0, 7, "x"), Acks.ALL));
    assertTrue(gap.getMessage().contains("sequence 3 was expected"), gap.getMessage());
    assertEquals(3L, await(node.courant().latestOffset(tp)));
  }

  private static byte[] idempotentBatch(long producerId, short epoch, int baseSequence, String... values) {
    return io.courant.testing.Batches.idempotent(producerId, epoch, baseSequence, values);
  }

  @Test
  void compressedBatchesAreStoredAndReadBack() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    for (String codec : RecordBatches.COMPRESSION_TYPES) {
      List<RecordBatches.Entry> entries = List.of(new RecordBatches.Entry(1L, utf8("k"), utf8(codec + " ".repeat(100)), List.of()));
      ByteBuffer b = RecordBatches.build(entries, codec, -1L, (short) -1, -1);
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      await(node.courant().append(tp, bytes, Acks.ALL));
    }
    assertEquals(RecordBatches.COMPRESSION_TYPES,
        readAll(tp, 0).stream().map(r -> r.valueString().trim()).toList());
  }

  @Test
  void aLongPollFetchReturnsAsSoonAsRecordsArrive() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    long start = System.nanoTime();
    FetchResult empty = await(node.courant().fetch(tp, 0, 1024, Duration.ofMillis(300)));
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(empty.records().isEmpty());
    assertTrue(waitedMs >= 250, "an empty fetch waits for maxWait, waited " + waitedMs + " ms");

    CompletionStage<FetchResult> waiting = node.courant().fetch(tp, 0, 1024, Duration.ofSeconds(20));
    long sent = System.nanoTime();
    await(node.courant().send(ProducerRecord.of(topic, "k", "late")));
    FetchResult r = await(waiting);
    long latencyMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals("late", r.records().get(0).valueString());
    assertTrue(latencyMs < 5_000, "the waiting fetch answered " + latencyMs + " ms after the append");
  }

  @Test
  void concurrentAppendsAreGroupCommittedInOrder() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    List<CompletionStage<RecordMetadata>> sends = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      sends.add(node.courant().send(ProducerRecord.of(topic, null, "r" + i).withPartition(0), Acks.ALL));
    }
    for (int i = 0; i < 500; i++) {
      assertEquals(i, await(sends.get(i)).offset(), "replies follow the order of the requests");
    }
    Partition.LogStatus status = await(node.courant().logStatus(tp));
    assertEquals(500, status.highWatermark());
    assertTrue(status.journalEvents() < 500, "500 appends in flight were written in " + status.journalEvents()
        + " journal events: group commit should gather them");
  }

  @Test
  void rejectsAnOffsetOutOfRangeAndSaysTheValidRange() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    await(node.courant().send(ProducerRecord.of(topic, "k", "v")));
    OffsetOutOfRangeException e = failure(OffsetOutOfRangeException.class, node.courant().fetch(tp, 5, 1024, Duration.ZERO));
    assertTrue(e.getMessage().contains("valid offsets are 0 to 1"), e.getMessage());
    failure(OffsetOutOfRangeException.class, node.courant().fetch(tp, -1, 1024, Duration.ZERO));
  }

  @Test
  void rejectsUnknownTopicsAndPartitions() {
    failure(UnknownTopicOrPartitionException.class, node.courant().send(ProducerRecord.of("no-such-topic-" + System.nanoTime(), "k", "v")));
    String topic = topic(2);
    UnknownTopicOrPartitionException e = failure(UnknownTopicOrPartitionException.class,
        node.courant().fetch(new TopicPartition(topic, 2), 0, 1024, Duration.ZERO));
    assertTrue(e.getMessage().contains("partitions 0 to 1"), e.getMessage());
  }

  @Test
  void rejectsABatchLargerThanMaxMessageBytesAndWritesNothing() {
    String topic = uniqueTopic("log");
    await(node.courant().createTopic(new NewTopic(topic, 1, Map.of("max.message.bytes", "1000"))));
    TopicPartition tp = new TopicPartition(topic, 0);
    RecordTooLargeException e = failure(RecordTooLargeException.class,
        node.courant().send(ProducerRecord.of(topic, null, new byte[2000]).withPartition(0)));
    assertTrue(e.getMessage().contains("max.message.bytes=1000"), e.getMessage());
    assertEquals(0L, await(node.courant().latestOffset(tp)));
  }

  @Test
  void rejectsABatchWhoseCrcDoesNotMatchAndWritesNothing() {
    String topic = topic(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    byte[] batch = idempotentBatch(-1L, (short) -1, -1, "hello");
    batch[batch.length - 3] ^= 0x5a;
    CorruptRecordException e = failure(CorruptRecordException.class, node.courant().append(tp, batch, Acks.ALL));
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    byte[] truncated = java.util.Arrays.copyOf(idempotentBatch(-1L, (short) -1, -1, "hello"), 30);
    failure(CorruptRecordException.class, node.courant().append(tp, truncated, Acks.ALL));
    assertEquals(0L, await(node.courant().latestOffset(tp)));
  }

  @Test
  void rejectsAnUnsupportedAcksValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Acks.parse("2"));
    assertTrue(e.getMessage().contains("acks must be 0, 1, -1 or all"), e.getMessage());
    assertEquals(Acks.ALL, Acks.parse("all"));
    assertEquals(Acks.ALL, Acks.of(-1));
    assertEquals(Acks.NONE, Acks.of(0));
  }

  @Test
  void acksZeroRepliesAtOnceAndTheRecordIsStored() {
    String topic = topic(1);
    RecordMetadata md = await(node.courant().send(ProducerRecord.of(topic, "k", "fire-and-forget"), Acks.NONE));
    assertEquals(0, md.offset());
    FetchResult r = await(node.courant().fetch(new TopicPartition(topic, 0), 0, 1024, Duration.ofSeconds(10)));
    assertArrayEquals(utf8("fire-and-forget"), r.records().get(0).value());
  }
}
