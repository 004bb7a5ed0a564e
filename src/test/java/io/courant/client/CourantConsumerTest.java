package io.courant.client;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.group.OffsetAndMetadata;
import io.courant.log.Partition.Acks;
import io.courant.testing.NodeExtension;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java consumer against a real node: groups, rebalances, commits, resets, seeks. */
class CourantConsumerTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static String topicWith(int partitions, int records) {
    return node.topicWithRecords("consume", partitions, records);
  }

  private static ConsumerSettings settings(String group) {
    return ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("heartbeat.interval.ms", 200)
        .with("session.timeout.ms", 6000).with("metadata.max.age.ms", 500);
  }

  @Test
  void twoConsumersSplitTheTopicAndTogetherReadEveryRecordOnce() throws Exception {
    String topic = topicWith(4, 0);
    String group = uniqueTopic("split");
    Map<String, String> readBy = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    Map<String, Set<TopicPartition>> assignments = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<?>> loops = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      loops.add(threads.submit(() -> {
        try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(group).with("enable.auto.commit", false))) {
          consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              consumer.commitSync();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
          });
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (!stop.get() && System.nanoTime() < deadline) {
            for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
              if (readBy.putIfAbsent(r.valueString(), name) != null) {
                duplicates.add(r.valueString());
              }
            }
            consumer.commitSync();
            assignments.put(name, consumer.assignment());
          }
        }
        return null;
      }));
      // The second consumer joins a group that is already reading.
      io.courant.testing.Await.until("the first consumer's assignment", Duration.ofSeconds(30),
          () -> !assignments.getOrDefault("a", Set.of()).isEmpty());
    }
    io.courant.testing.Await.until("the partitions split two and two", Duration.ofSeconds(60),
        () -> assignments.getOrDefault("a", Set.of()).size() == 2 && assignments.getOrDefault("b", Set.of()).size() == 2);
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      batch.add(ProducerRecord.of(topic, null, "r" + i).withPartition(i % 4));
    }
    await(node.courant().sendAll(batch, Acks.ALL));
    io.courant.testing.Await.until("every record read", Duration.ofSeconds(60), () -> readBy.size() == 400);
    stop.set(true);
    for (Future<?> loop : loops) {
      loop.get(60, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertEquals(400, readBy.size(), "every record was read");
    assertTrue(duplicates.isEmpty(), "no record was read twice: " + duplicates);
    Set<TopicPartition> all = new HashSet<>(assignments.get("a"));
    all.addAll(assignments.get("b"));
    assertEquals(4, all.size(), "the four partitions were split between the two: " + assignments);
    assertTrue(new HashSet<>(readBy.values()).containsAll(List.of("a", "b")), "both consumers read records");
  }

  @Test
  void aRestartedConsumerResumesFromItsCommittedOffsets() {
    String topic = topicWith(1, 10);
    String group = uniqueTopic("resume");
    TopicPartition tp = new TopicPartition(topic, 0);
    // Without auto-commit: close() would otherwise commit the position after the poll, as Kafka's does.
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(group).with("enable.auto.commit", false))) {
      consumer.assign(List.of(tp));
      List<ConsumerRecord> first = consumer.poll(Duration.ofSeconds(5));
      assertEquals("r0", first.get(0).valueString());
      consumer.commitSync(Map.of(tp, OffsetAndMetadata.of(6)));
    }
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(group))) {
      consumer.assign(List.of(tp));
      assertEquals(6, consumer.position(tp));
      assertEquals(6, consumer.committed(Set.of(tp)).get(tp).offset());
      assertEquals("r6", consumer.poll(Duration.ofSeconds(5)).get(0).valueString());
    }
  }

  @Test
  void aChangedSubscriptionAndANewTopicMatchingThePatternAreRebalancedOntoTheGroup() {
    String first = topicWith(1, 3);
    String second = topicWith(2, 4);
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(uniqueTopic("resubscribe")))) {
      consumer.subscribe(List.of(first));
      io.courant.testing.Await.until("the first topic assigned", Duration.ofSeconds(15), Duration.ZERO,
          () -> !consumer.poll(Duration.ofMillis(200)).isEmpty() || consumer.assignment().size() == 1);
      consumer.subscribe(List.of(first, second));
      io.courant.testing.Await.until("the changed subscription rebalanced", Duration.ofSeconds(15), Duration.ZERO, () -> {
        consumer.poll(Duration.ofMillis(200));
        return consumer.assignment().size() == 3;
      });
    }
    String prefix = uniqueTopic("pattern");
    await(node.courant().createTopic(new NewTopic(prefix + "-a", 1)));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(uniqueTopic("pattern-g")))) {
      consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "-.*"), ConsumerRebalanceListener.NONE);
      io.courant.testing.Await.until("the matching topic assigned", Duration.ofSeconds(15), Duration.ZERO, () -> {
        consumer.poll(Duration.ofMillis(200));
        return consumer.assignment().size() == 1;
      });
      await(node.courant().createTopic(new NewTopic(prefix + "-b", 1)));
      await(node.courant().send(ProducerRecord.of(prefix + "-b", null, "late")));
      io.courant.testing.Await.until("a record of the topic created later", Duration.ofSeconds(20), Duration.ZERO, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.topic() + ":" + r.valueString()));
        return seen.contains(prefix + "-b:late");
      });
    }
  }

  @Test
  void beginningEndAndTimestampOffsetsAreTheLogs() {
    String topic = uniqueTopic("times");
    await(node.courant().createTopic(new NewTopic(topic, 1)));
    TopicPartition tp = new TopicPartition(topic, 0);
    List<ProducerRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(new ProducerRecord(topic, 0, 1_000L * (i + 1), null, ("t" + i).getBytes(), List.of()));
    }
    await(node.courant().sendAll(records, Acks.ALL));
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(""))) {
      assertEquals(Map.of(tp, 0L), consumer.beginningOffsets(List.of(tp)));
      assertEquals(Map.of(tp, 5L), consumer.endOffsets(List.of(tp)));
      assertEquals(new OffsetAndTimestamp(2, 3_000), consumer.offsetsForTimes(Map.of(tp, 2_500L)).get(tp));
      assertEquals(null, consumer.offsetsForTimes(Map.of(tp, 9_000L)).get(tp), "no record at or after that time");
    }
  }

  @Test
  void autoOffsetResetChoosesWhereAGroupWithoutCommitsStarts() {
    String topic = topicWith(1, 5);
    TopicPartition tp = new TopicPartition(topic, 0);
    try (CourantConsumer latest = new CourantConsumer(node.system(), settings(uniqueTopic("g")).with("auto.offset.reset", "latest"))) {
      latest.assign(List.of(tp));
      assertEquals(5, latest.position(tp));
      assertTrue(latest.poll(Duration.ofMillis(300)).isEmpty());
    }
    try (CourantConsumer none = new CourantConsumer(node.system(), settings(uniqueTopic("g")).with("auto.offset.reset", "none"))) {
      none.assign(List.of(tp));
      assertThrows(OffsetOutOfRangeException.class, () -> none.poll(Duration.ofMillis(300)));
    }
    assertThrows(IllegalArgumentException.class, () -> settings("g").with("auto.offset.reset", "middle"));
    assertThrows(IllegalArgumentException.class, () -> settings("g").with("partition.assignment.strategy", "fair"));
  }

  @Test
  void seekPauseAndResumeControlWhatPollReturns() {
    String topic = topicWith(2, 20);
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings("").with("enable.auto.commit", false))) {
      consumer.assign(List.of(p0, p1));
      consumer.pause(List.of(p1));
      consumer.seek(p0, 8);
      List<ConsumerRecord> records = consumer.poll(Duration.ofSeconds(5));
      assertTrue(records.stream().allMatch(r -> r.partition() == 0), "a paused partition is not read");
      assertEquals(8, records.get(0).offset());
      assertEquals(10, consumer.position(p0));
      consumer.resume(List.of(p1));
      consumer.seekToEnd(List.of(p0));
      List<ConsumerRecord> rest = consumer.poll(Duration.ofSeconds(5));
      assertTrue(rest.stream().allMatch(r -> r.partition() == 1));
      assertEquals(10, rest.size());
      assertThrows(InvalidGroupIdException.class, consumer::commitSync);
    }
  }

  @Test
  void aTopicGainingPartitionsIsRebalancedOntoTheConsumer() {
    String topic = topicWith(1, 1);
    List<Collection<TopicPartition>> assigned = Collections.synchronizedList(new ArrayList<>());
    try (CourantConsumer consumer = new CourantConsumer(node.system(), settings(uniqueTopic("grow")))) {
      consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          assigned.add(List.copyOf(partitions));
        }
      });
      long joined = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.assignment().isEmpty() && System.nanoTime() < joined) {
        consumer.poll(Duration.ofMillis(200)); // the first join waits out the group's initial rebalance delay (3 s)
      }
      assertEquals(Set.of(new TopicPartition(topic, 0)), consumer.assignment());
      await(node.courant().createPartitions(topic, 3));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.assignment().size() != 3 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200));
      }
      assertEquals(3, consumer.assignment().size());
      assertTrue(assigned.size() >= 2, "the listener heard of both assignments: " + assigned);
    }
  }
}
