package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.Courant;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.Partitioner;
import io.courant.client.RecordTooLargeException;
import io.courant.client.RetriableException;
import io.courant.client.TopicPartition;
import io.courant.client.UnknownTopicOrPartitionException;
import io.courant.log.Partition;
import io.courant.stream.ProducerMessage.MultiResult;
import io.courant.stream.ProducerMessage.PassThroughResult;
import io.courant.stream.ProducerMessage.Result;
import io.courant.stream.ProducerMessage.Results;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The producer stages against a real node and Cassandra. */
class ProducerStreamTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static ProducerSettings<String, String> settings() {
    return TestSettings.producer(node);
  }

  private static String topic(int partitions) {
    String topic = uniqueTopic("produce");
    await(node.courant().createTopic(new NewTopic(topic, partitions)));
    return topic;
  }

  /** Every record of a partition, read from offset 0 to the log end. */
  static List<io.courant.client.ConsumerRecord> readAll(Courant courant, TopicPartition tp) {
    long end = await(courant.latestOffset(tp));
    List<io.courant.client.ConsumerRecord> out = new ArrayList<>();
    while (out.size() < end) {
      FetchResult r = await(courant.fetch(tp, out.size(), 1 << 20, Duration.ZERO));
      out.addAll(r.records());
    }
    return out;
  }

  @Test
  void plainSinkStoresEveryRecordInTheKeysPartitionInOrder() {
    String topic = topic(4);
    int n = 2000;
    await(Source.range(0, n - 1)
        .map(i -> new ProducerRecord<>(topic, "key-" + (i % 10), "v" + i))
        .runWith(Producer.plainSink(settings()), node.system()));
    int total = 0;
    for (int p = 0; p < 4; p++) {
      List<io.courant.client.ConsumerRecord> records = readAll(node.courant(), new TopicPartition(topic, p));
      total += records.size();
      int[] last = new int[10];
      java.util.Arrays.fill(last, -1);
      for (io.courant.client.ConsumerRecord r : records) {
        assertEquals(p, Partitioner.partitionForKey(r.key(), 4), "Kafka's partition for " + r.keyString());
        int key = Integer.parseInt(r.keyString().substring(4));
        int value = Integer.parseInt(r.valueString().substring(1));
        assertTrue(value > last[key], "values of one key stay in order");
        last[key] = value;
      }
    }
    assertEquals(n, total);
  }

  @Test
  void flexiFlowEmitsResultsInInputOrderForSingleMultiAndPassThrough() throws Exception {
    String topic = topic(2);
    List<ProducerMessage.Envelope<String, String, Integer>> input = List.of(
        ProducerMessage.single(new ProducerRecord<>(topic, "a", "1"), 1),
        ProducerMessage.multi(List.of(ProducerRecord.<String, String>of(topic, "2").withPartition(0),
            ProducerRecord.<String, String>of(topic, "3").withPartition(1)), 2),
        ProducerMessage.passThrough(3),
        ProducerMessage.single(ProducerRecord.<String, String>of(topic, "4").withPartition(1), 4),
        ProducerMessage.multi(List.of(), 5));
    List<Results<String, String, Integer>> out = Source.from(input)
        .via(Producer.<String, String, Integer>flexiFlow(settings()))
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(List.of(1, 2, 3, 4, 5), out.stream().map(Results::passThrough).toList());
    Result<String, String, Integer> first = assertInstanceOf(Result.class, out.get(0));
    assertEquals(Partitioner.partitionForKey("a".getBytes(), 2), first.metadata().partition());
    MultiResult<String, String, Integer> multi = assertInstanceOf(MultiResult.class, out.get(1));
    assertEquals(List.of(0, 1), multi.parts().stream().map(part -> part.metadata().partition()).toList());
    assertEquals("3", multi.parts().get(1).record().value());
    assertInstanceOf(PassThroughResult.class, out.get(2));
    Result<String, String, Integer> fourth = assertInstanceOf(Result.class, out.get(3));
    assertEquals(1, fourth.metadata().partition());
    assertEquals(multi.parts().get(1).metadata().offset() + 1, fourth.offset(), "the next offset of partition 1");
    assertEquals(0, assertInstanceOf(MultiResult.class, out.get(4)).parts().size());
  }

  @Test
  void flowReturnsEachRecordsMetadata() throws Exception {
    String topic = topic(1);
    List<Result<String, String, String>> out = Source.range(0, 9)
        .map(i -> new ProducerMessage.Message<>(ProducerRecord.<String, String>of(topic, "v" + i), "p" + i))
        .via(Producer.<String, String, String>flow(settings()))
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 10; i++) {
      assertEquals(i, out.get(i).offset());
      assertEquals("p" + i, out.get(i).passThrough());
    }
  }

  /** A stored record batch: how many records it holds and its encoded size in bytes. */
  private record StoredBatch(int records, int bytes) {}

  /** The record batches stored in a partition, in order (Kafka's v2 batch layout). */
  private static List<StoredBatch> storedBatches(TopicPartition tp) {
    Partition.Fetched f = await(node.courant().fetchBatches(tp, 0, 64 << 20, 1, Duration.ZERO));
    ByteBuffer b = ByteBuffer.wrap(f.batches());
    List<StoredBatch> batches = new ArrayList<>();
    while (b.remaining() >= 61) {
      int start = b.position();
      int length = b.getInt(start + 8);
      batches.add(new StoredBatch(b.getInt(start + 23) + 1, 12 + length)); // lastOffsetDelta + 1; offset and length fields + the rest
      b.position(start + 12 + length);
    }
    return batches;
  }

  @Test
  void recordsAreGatheredIntoBatchesOfAtMostBatchSize() {
    String topic = topic(1);
    String value = "x".repeat(100);
    await(Source.range(0, 1999)
        .map(i -> ProducerRecord.<String, String>of(topic, value))
        .runWith(Producer.plainSink(settings().withBatchSize(16384).withLinger(Duration.ofMillis(500))), node.system()));
    List<StoredBatch> batches = storedBatches(new TopicPartition(topic, 0));
    assertEquals(2000, batches.stream().mapToInt(StoredBatch::records).sum());
    assertTrue(batches.size() <= 20, "2000 records of ~110 encoded bytes in batches of 16 KiB, not one by one: " + batches);
    assertTrue(batches.stream().allMatch(b -> b.bytes() <= 16384), "no batch beyond batch.size (encoded, as Kafka's producer): " + batches);
    assertTrue(batches.stream().limit(batches.size() - 1).allMatch(b -> b.bytes() > 16384 - 200),
        "every batch but the last filled to batch.size: " + batches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void compressionTypeCompressesTheStoredBatches(String compression) {
    String topic = topic(1);
    await(Source.range(0, 499)
        .map(i -> ProducerRecord.<String, String>of(topic, "value-" + i + "-" + "x".repeat(80)))
        .runWith(Producer.plainSink(settings().withProperty("compression.type", compression)), node.system()));
    TopicPartition tp = new TopicPartition(topic, 0);
    var stored = await(node.courant().fetchBatches(tp, 0, 1 << 20, 1, Duration.ZERO));
    long compressedBatches = 0;
    for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(stored.batches())).batches()) {
      assertEquals(CompressionType.forName(compression), batch.compressionType(), "every batch stored compressed");
      compressedBatches++;
    }
    assertTrue(compressedBatches > 0);
    assertTrue(stored.batches().length < 500 * 80, "compressed: " + stored.batches().length + " bytes for 500 records of ~90 bytes");
    List<io.courant.client.ConsumerRecord> records = readAll(node.courant(), tp);
    assertEquals(500, records.size());
    for (int i = 0; i < 500; i++) {
      assertTrue(records.get(i).valueString().startsWith("value-" + i + "-"));
    }
  }

  @Test
  void aBatchThatIsNotFullIsSentAfterLinger() {
    String topic = topic(1);
    long started = System.nanoTime();
    // The stream stays open: only linger.ms can send the lone record.
    var done = Source.single(ProducerRecord.<String, String>of(topic, "alone")).concat(Source.never())
        .runWith(Producer.plainSink(settings().withLinger(Duration.ofMillis(300))), node.system());
    TopicPartition tp = new TopicPartition(topic, 0);
    Await.until("the lone record stored", Duration.ofSeconds(10), () -> await(node.courant().latestOffset(tp)) == 1);
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(300).toNanos(), "not before linger.ms");
    assertTrue(!done.toCompletableFuture().isDone());
  }

  @Test
  void aSendToAMissingPartitionFailsTheStreamWithARetriableTypedError() {
    String topic = topic(1);
    CompletionStage<Done> done = Source.single(ProducerRecord.<String, String>of(topic, "v").withPartition(7))
        .runWith(Producer.plainSink(settings()), node.system());
    UnknownTopicOrPartitionException e = assertInstanceOf(UnknownTopicOrPartitionException.class, failure(done));
    assertInstanceOf(RetriableException.class, e);

    CompletionStage<Done> noTopic = Source.single(new ProducerRecord<String, String>(uniqueTopic("missing"), "k", "v"))
        .runWith(Producer.plainSink(settings()), node.system());
    assertInstanceOf(UnknownTopicOrPartitionException.class, failure(noTopic));
  }

  @Test
  void aRecordLargerThanTheTopicAllowsFailsTheStreamWithANonRetriableError() {
    String topic = uniqueTopic("produce");
    await(node.courant().createTopic(new NewTopic(topic, 1, java.util.Map.of("max.message.bytes", "1000"))));
    CompletionStage<Done> done = Source.single(ProducerRecord.<String, String>of(topic, "x".repeat(5000)))
        .runWith(Producer.plainSink(settings()), node.system());
    RecordTooLargeException e = assertInstanceOf(RecordTooLargeException.class, failure(done));
    assertTrue(!e.retriable());
  }

  @Test
  void aSlowDownstreamBoundsWhatTheStageHolds() {
    String topic = topic(1);
    AtomicLong pulled = new AtomicLong();
    AtomicLong emitted = new AtomicLong();
    AtomicLong maxHeld = new AtomicLong();
    String value = "x".repeat(100);
    long bufferMemory = 12_400; // about 100 records of 124 bytes
    var done = Source.range(0, 1_000_000)
        .map(i -> {
          pulled.incrementAndGet();
          return ProducerMessage.single(ProducerRecord.<String, String>of(topic, value));
        })
        .via(Producer.<String, String, NotUsed>flexiFlow(settings().withProperty("buffer.memory", Long.toString(bufferMemory))))
        .map(r -> {
          maxHeld.accumulateAndGet(pulled.get() - emitted.incrementAndGet(), Math::max);
          return r;
        })
        .throttle(500, Duration.ofSeconds(1))
        .take(1000)
        .runWith(Sink.ignore(), node.system());
    await(done);
    assertTrue(maxHeld.get() <= 110, "the stage held at most buffer.memory worth of records, not " + maxHeld.get());
    assertTrue(pulled.get() < 1200, "upstream was pulled only as the slow downstream took results: " + pulled.get());
  }

  static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("the stream completed instead of failing");
  }
}
