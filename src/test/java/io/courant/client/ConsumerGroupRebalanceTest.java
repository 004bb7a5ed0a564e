package io.courant.client;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.testing.NodeExtension;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rebalances driven by real consumers on a real node. The consumers are polled in turn from the
 * test thread with short polls; a rebalance completes once every member has polled into it.
 */
class ConsumerGroupRebalanceTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static ConsumerSettings settings(String group) {
    return ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("heartbeat.interval.ms", 100)
        .with("session.timeout.ms", 2000).with("max.poll.interval.ms", 10000);
  }

  private static String topic(int partitions, int records) {
    return node.topicWithRecords("rebalance", partitions, records);
  }

  /** Polls every consumer in turn (each poll may block in a join until the others join too: hence threads). */
  private static void pollUntil(List<CourantConsumer> consumers, BooleanSupplier done, List<String> seen) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(consumers.size());
    try {
      while (!done.getAsBoolean()) {
        assertTrue(System.nanoTime() < deadline, "the group did not settle in 45 s");
        List<java.util.concurrent.Future<List<ConsumerRecord>>> polls = new ArrayList<>();
        for (CourantConsumer c : consumers) {
          polls.add(pool.submit(() -> c.poll(Duration.ofMillis(100))));
        }
        for (var p : polls) {
          for (ConsumerRecord r : p.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
            seen.add(r.valueString());
          }
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void assertSpread(List<CourantConsumer> consumers, int partitions) {
    Set<TopicPartition> all = new HashSet<>();
    int total = 0;
    for (CourantConsumer c : consumers) {
      total += c.assignment().size();
      all.addAll(c.assignment());
      assertTrue(c.assignment().size() >= partitions / consumers.size() - 1, "balanced: " + c.assignment());
    }
    assertEquals(partitions, total, "no partition owned twice");
    assertEquals(partitions, all.size(), "no partition orphaned");
  }

  @Test
  void aThirdMemberJoiningSpreadsThePartitionsWithNoneOwnedTwiceOrOrphaned() throws Exception {
    String topic = topic(6, 0);
    String group = uniqueTopic("g");
    List<CourantConsumer> consumers = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        CourantConsumer c = new CourantConsumer(node.system(), settings(group));
        c.subscribe(List.of(topic));
        consumers.add(c);
        int members = consumers.size();
        pollUntil(consumers, () -> consumers.stream().allMatch(x -> x.assignment().size() == 6 / members), seen);
        assertSpread(consumers, 6);
      }
    } finally {
      consumers.forEach(CourantConsumer::close);
    }
  }

  @Test
  void aMemberThatStopsHeartbeatingLosesItsPartitionsAndNoRecordIsSkipped() throws Exception {
    String topic = topic(4, 200);
    String group = uniqueTopic("g");
    CourantConsumer a = new CourantConsumer(node.system(), settings(group).with("enable.auto.commit", false));
    CourantConsumer b = new CourantConsumer(node.system(), settings(group).with("enable.auto.commit", false));
    List<String> seen = new ArrayList<>();
    try {
      a.subscribe(List.of(topic));
      b.subscribe(List.of(topic));
      pollUntil(List.of(a, b), () -> a.assignment().size() == 2 && b.assignment().size() == 2, seen);
      a.commitSync();
      b.commitSync();
      b.crash(); // killed: no more heartbeats, no leave, its uncommitted records unread by anyone else yet
      pollUntil(List.of(a), () -> a.assignment().size() == 4 && new HashSet<>(seen).size() == 200, seen);
      assertEquals(200, new HashSet<>(seen).size(), "every record was read at least once, none skipped");
    } finally {
      a.close();
    }
  }

  @Test
  void aStaticMemberRestartingWithinItsSessionTimeoutCausesNoRebalance() throws Exception {
    String topic = topic(2, 0);
    String group = uniqueTopic("g");
    List<String> seen = new ArrayList<>();
    CourantConsumer a = new CourantConsumer(node.system(), settings(group).with("group.instance.id", "a"));
    CourantConsumer b = new CourantConsumer(node.system(), settings(group).with("group.instance.id", "b"));
    a.subscribe(List.of(topic));
    b.subscribe(List.of(topic));
    pollUntil(List.of(a, b), () -> a.assignment().size() == 1 && b.assignment().size() == 1, seen);
    Set<TopicPartition> before = b.assignment();
    int generation = await(node.courant().describeGroup(group)).generationId();
    b.close();
    CourantConsumer b2 = new CourantConsumer(node.system(), settings(group).with("group.instance.id", "b"));
    try {
      b2.subscribe(List.of(topic));
      pollUntil(List.of(a, b2), () -> b2.assignment().size() == 1, seen);
      assertEquals(before, b2.assignment(), "the restarted static member got its partition back");
      assertEquals(1, a.assignment().size());
      assertEquals(generation, await(node.courant().describeGroup(group)).generationId(), "no new generation");
    } finally {
      a.close();
      b2.close();
    }
  }

  @Test
  void pollReturnsWithinItsTimeoutWhileARebalanceWaitsForAnotherMember() {
    String topic = topic(2, 0);
    String group = uniqueTopic("g");
    try (CourantConsumer a = new CourantConsumer(node.system(), settings(group).with("max.poll.interval.ms", 5000)
        .with("session.timeout.ms", 6000));
        CourantConsumer b = new CourantConsumer(node.system(), settings(group))) {
      a.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (a.assignment().size() != 2 && System.nanoTime() < deadline) {
        a.poll(Duration.ofMillis(100));
      }
      assertEquals(2, a.assignment().size(), "the first member owns both partitions");

      // a stops polling: the rebalance b's join starts waits for a to rejoin, up to a's max.poll.interval.ms
      // (5 s; its session, 6 s, outlasts that).
      b.subscribe(List.of(topic));
      int pollsDuringRebalance = 0;
      long slowestNanos = 0;
      long start = System.nanoTime();
      while (b.assignment().size() != 2 && System.nanoTime() - start < Duration.ofSeconds(40).toNanos()) {
        long t0 = System.nanoTime();
        b.poll(Duration.ofMillis(100));
        slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
        pollsDuringRebalance += b.assignment().isEmpty() ? 1 : 0;
      }
      long heldMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertEquals(2, b.assignment().size(), "b owns both partitions once a is out of the group");
      assertTrue(heldMillis > 2000, "the rebalance was held while a did not poll: " + heldMillis + " ms");
      assertTrue(pollsDuringRebalance >= 10, "polls returned while the rebalance was held: " + pollsDuringRebalance);
      assertTrue(slowestNanos < Duration.ofMillis(1500).toNanos(),
          "poll(100 ms) returned within 1.5 s during the rebalance; the slowest took " + slowestNanos / 1_000_000 + " ms");
    }
  }
}
