package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.ConsumerRecord;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kafka-clients' KafkaProducer (default settings) and KafkaConsumer (assign) against a Courant node. */
class KafkaProduceFetchTest {
  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients();

  private static String topic(String prefix, int partitions) {
    String topic = TestNode.uniqueTopic(prefix);
    TestNode.await(kafka.courant().createTopic(new NewTopic(topic, partitions)));
    return topic;
  }

  private static List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> readAll(String topic, int partitions,
      int expected) {
    List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = kafka.consumer(Map.of())) {
      List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new org.apache.kafka.common.TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void recordsFromADefaultKafkaProducerAreReadByAKafkaConsumerAndByTheJavaApi() throws Exception {
    String topic = topic("kp-default", 3);
    int n = 600;
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
      for (int i = 0; i < n; i++) {
        var record = new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k" + i, "v" + i);
        record.headers().add("h", ("x" + i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      producer.flush();
    }
    Map<Integer, Long> nextOffset = new HashMap<>();
    for (Future<RecordMetadata> f : sent) {
      RecordMetadata md = f.get(30, TimeUnit.SECONDS);
      long expected = nextOffset.getOrDefault(md.partition(), 0L);
      assertEquals(expected, md.offset(), "offsets per partition are gapless and in send order");
      nextOffset.put(md.partition(), expected + 1);
    }
    assertEquals(n, nextOffset.values().stream().mapToLong(Long::longValue).sum());

    var records = readAll(topic, 3, n);
    assertEquals(n, records.size());
    for (var r : records) {
      int i = Integer.parseInt(r.key().substring(1));
      assertEquals("v" + i, r.value());
      assertEquals("x" + i, new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8));
      assertEquals(io.courant.client.Partitioner.partitionForKey(r.key().getBytes(StandardCharsets.UTF_8), 3), r.partition(),
          "keys land where Courant's own partitioner puts them");
    }

    int p0 = records.get(0).partition();
    var viaJava = TestNode.await(kafka.courant().fetch(new TopicPartition(topic, p0), 0, 1 << 20, Duration.ofSeconds(1)));
    assertEquals(nextOffset.get(p0), (long) viaJava.records().size(), "the Java API reads every record of the partition");
    ConsumerRecord first = viaJava.records().get(0);
    assertEquals("v" + first.keyString().substring(1), first.valueString());
  }

  @Test
  void recordsFromTheJavaApiAreReadByAKafkaConsumer() {
    String topic = topic("java-to-kafka", 2);
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(ProducerRecord.of(topic, "k" + i, "v" + i).withPartition(i % 2));
    }
    TestNode.await(kafka.courant().sendAll(batch, Acks.ALL));
    var records = readAll(topic, 2, 50);
    assertEquals(50, records.size());
    records.forEach(r -> assertEquals("v" + r.key().substring(1), r.value()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void compressedBatchesAreStoredAsSentAndReadBack(String compression) throws Exception {
    String topic = topic("kp-" + compression, 1);
    int n = 200;
    try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
        ProducerConfig.LINGER_MS_CONFIG, 20))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, "value-" + i + "-" + "x".repeat(50))));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
    var stored = TestNode.await(kafka.courant().fetchBatches(new TopicPartition(topic, 0), 0, 1 << 20, 1, Duration.ofSeconds(1)));
    RecordBatch firstBatch = MemoryRecords.readableRecords(ByteBuffer.wrap(stored.batches())).batches().iterator().next();
    assertEquals(CompressionType.forName(compression), firstBatch.compressionType(), "the batch is stored compressed as sent");

    var records = readAll(topic, 1, n);
    assertEquals(n, records.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, records.get(i).offset());
      assertTrue(records.get(i).value().startsWith("value-" + i + "-"));
    }
    assertEquals(n, TestNode.await(kafka.courant().fetch(new TopicPartition(topic, 0), 0, 1 << 20, Duration.ofSeconds(1)))
        .records().size(), "the Java API decompresses them too");
  }

  @Test
  void aConsumerWaitsForRecordsProducedAfterItsFetch() throws Exception {
    String topic = topic("long-poll", 1);
    try (KafkaConsumer<String, String> consumer = kafka.consumer(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5000));
        KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
      var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty());
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "late", "arrival")).get(30, TimeUnit.SECONDS);
      long start = System.nanoTime();
      var got = consumer.poll(Duration.ofSeconds(10));
      assertEquals(1, got.count());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "the long poll answers when data arrives, not at max wait");
    }
  }
}
