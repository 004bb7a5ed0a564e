package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** KafkaConsumer groups (classic protocol) on Courant's group coordinator. */
class KafkaConsumerGroupTest {
  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients();

  private static String produced(String prefix, int partitions, int records) throws Exception {
    String topic = TestNode.uniqueTopic(prefix);
    TestNode.await(kafka.courant().createTopic(new NewTopic(topic, partitions)));
    try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
      }
      producer.flush();
    }
    return topic;
  }

  private static KafkaConsumer<String, String> member(String group) {
    return kafka.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 40));
  }

  /** Polls once, records the values, commits what it polled. */
  private static void pollAndCommit(KafkaConsumer<String, String> consumer, List<String> seen) {
    var records = consumer.poll(Duration.ofMillis(100));
    records.forEach(r -> seen.add(r.value()));
    if (!records.isEmpty()) {
      consumer.commitSync();
    }
  }

  @Test
  void twoConsumersSharePartitionsAcrossRebalancesAndCommitWhatTheyRead() throws Exception {
    int partitions = 6;
    int n = 1200;
    String topic = produced("group", partitions, n);
    String group = TestNode.uniqueTopic("g");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> a = member(group)) {
      a.subscribe(List.of(topic));
      Await.until("the first member owning every partition", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
        pollAndCommit(a, seen);
        return a.assignment().size() == partitions;
      });
      try (KafkaConsumer<String, String> b = member(group)) {
        b.subscribe(List.of(topic));
        Await.until("the two members splitting the partitions", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
          pollAndCommit(a, seen);
          pollAndCommit(b, seen);
          return a.assignment().size() == partitions / 2 && b.assignment().size() == partitions / 2;
        });
        Set<org.apache.kafka.common.TopicPartition> both = new HashSet<>(a.assignment());
        both.addAll(b.assignment());
        assertEquals(partitions, both.size(), "every partition has exactly one owner");
        pollAndCommit(a, seen);
        pollAndCommit(b, seen);
      }
      // b left the group: a gets every partition back and reads the rest.
      Await.until("the remaining member reading everything", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
        pollAndCommit(a, seen);
        return a.assignment().size() == partitions && seen.size() >= n;
      });
    }
    assertEquals(n, new HashSet<>(seen).size(), "every record was read");
    assertEquals(n, seen.size(), "no record was read twice: each poll was committed before the next rebalance");

    Map<TopicPartition, OffsetAndMetadata> committed = TestNode.await(kafka.courant().committedOffsets(group, List.of()));
    assertEquals(partitions, committed.size());
    committed.values().forEach(o -> assertEquals(n / partitions, o.offset(), "committed = the partition's end offset"));
  }

  @Test
  void aNewConsumerOfTheGroupResumesFromTheCommittedOffsets() throws Exception {
    String topic = produced("resume", 2, 100);
    String group = TestNode.uniqueTopic("g");
    TestNode.await(kafka.courant().commitOffsets(group, Map.of(
        new TopicPartition(topic, 0), new OffsetAndMetadata(40, "", -1),
        new TopicPartition(topic, 1), new OffsetAndMetadata(45, "", -1))));
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> c = member(group)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.size() < 15 && System.nanoTime() < deadline) {
        pollAndCommit(c, seen);
      }
      var committed = c.committed(Set.of(new org.apache.kafka.common.TopicPartition(topic, 0),
          new org.apache.kafka.common.TopicPartition(topic, 1)));
      assertEquals(50, committed.get(new org.apache.kafka.common.TopicPartition(topic, 0)).offset());
      assertEquals(50, committed.get(new org.apache.kafka.common.TopicPartition(topic, 1)).offset());
    }
    assertEquals(15, seen.size(), "the consumer started at the offsets committed through the Java API");
    assertTrue(seen.contains("v80") && seen.contains("v91") && !seen.contains("v78"));
  }

  @Test
  void aKafkaConsumerAndCourantsOwnConsumerShareOneGroup() throws Exception {
    int partitions = 4;
    int n = 400;
    String topic = produced("mixed", partitions, n);
    String group = TestNode.uniqueTopic("mixed-group");
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Set<Integer> kafkaPartitions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Set<Integer> courantPartitions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var kafkaSide = threads.submit(() -> {
        try (KafkaConsumer<String, String> consumer = member(group)) {
          consumer.subscribe(List.of(topic));
          while (seen.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> {
              seen.add(r.value());
              kafkaPartitions.add(r.partition());
            });
          }
        }
        return null;
      });
      var courantSide = threads.submit(() -> {
        try (io.courant.client.CourantConsumer consumer = new io.courant.client.CourantConsumer(kafka.node().system(),
            io.courant.client.ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("max.poll.records", 40)
                .with("heartbeat.interval.ms", 500).with("session.timeout.ms", 10_000))) {
          consumer.subscribe(List.of(topic));
          while (seen.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> {
              seen.add(r.valueString());
              courantPartitions.add(r.partition());
            });
          }
        }
        return null;
      });
      kafkaSide.get(90, TimeUnit.SECONDS);
      courantSide.get(90, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertEquals(n, seen.size(), "every record read once");
    assertEquals(n, new HashSet<>(seen).size(), "no record read twice");
    assertTrue(!kafkaPartitions.isEmpty() && !courantPartitions.isEmpty(),
        "both members held partitions: kafka " + kafkaPartitions + ", courant " + courantPartitions);
    Set<Integer> overlap = new HashSet<>(kafkaPartitions);
    overlap.retainAll(courantPartitions);
    assertTrue(overlap.isEmpty(), "no partition read by both: " + overlap);
  }
}
