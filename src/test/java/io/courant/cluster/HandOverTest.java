package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.NotLeaderException;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * Cluster Sharding moves partitions and group coordinators from a live node to a node that joins
 * (a restarted node rejoining, a node added): they must start there at once. The node they leave
 * gives its fencing claim up when they stop; before it did, the new owner waited for that node's
 * lease to expire, which never happens while the node lives, and the moved partitions answered
 * nothing until their start timed out, again and again (found by the Jepsen-style test).
 */
class HandOverTest {
  private static final int PARTITIONS = 12;
  private static final int GROUPS = 6;
  /** Well under the partitions' start timeout (1 min), which a stuck hand-over ran into. */
  private static final Duration WRITABLE_WITHIN = Duration.ofSeconds(20);
  /** The coordinator rebalances every second, up to 20 shards a round: the new node gets its share at once. */
  private static final Config FAST_REBALANCE = ConfigFactory.parseString("""
      pekko.cluster.sharding.rebalance-interval = 1s
      pekko.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit = 20
      """);

  @Test
  void partitionsAndGroupCoordinatorsHandedToAJoiningNodeStartThereAtOnce() throws Exception {
    try (TestNode a = TestNode.start(FAST_REBALANCE)) {
      String topic = TestNode.uniqueTopic("handover");
      await(a.courant().createTopic(new NewTopic(topic, PARTITIONS)));
      TopicPartition first = new TopicPartition(topic, 0);
      // Everything starts on the only node, a.
      for (int p = 0; p < PARTITIONS; p++) {
        await(a.courant().send(ProducerRecord.of(topic, null, "before-" + p).withPartition(p), Partition.Acks.ALL));
      }
      for (int g = 0; g < GROUPS; g++) {
        await(a.courant().commitOffsets(topic + "-g" + g, Map.of(first, OffsetAndMetadata.of(1))));
      }

      try (TestNode b = TestNode.joining(a, FAST_REBALANCE)) {
        Address joined = Cluster.get(b.system()).selfMember().address();
        Await.until("partitions handed to the joining node", Duration.ofSeconds(60),
            () -> await(a.courant().partitionOwners()).containsValue(joined));

        for (int p = 0; p < PARTITIONS; p++) {
          ProducerRecord after = ProducerRecord.of(topic, null, "after-" + p).withPartition(p);
          long offset = within(() -> b.courant().send(after, Partition.Acks.ALL), "partition " + p + " writable").offset();
          assertEquals(1, offset, "partition " + p + ": the record after the hand-over follows the one before it");
        }
        for (int g = 0; g < GROUPS; g++) {
          String group = topic + "-g" + g;
          assertEquals(1, within(() -> b.courant().committedOffsets(group, List.of(first)), group + " readable").get(first).offset());
          within(() -> b.courant().commitOffsets(group, Map.of(first, OffsetAndMetadata.of(2))), group + " writable");
          assertEquals(2, await(a.courant().committedOffsets(group, List.of(first))).get(first).offset());
        }
        for (int p = 0; p < PARTITIONS; p++) {
          FetchResult read = await(a.courant().fetch(new TopicPartition(topic, p), 0, 1 << 20, Duration.ZERO));
          assertEquals(List.of("before-" + p, "after-" + p), read.records().stream().map(r -> r.valueString()).toList(),
              "partition " + p + " holds both records once, in order");
        }
      }
    }
  }

  /**
   * The request's answer within {@link #WRITABLE_WITHIN}, asked again (at most 100 times) while it
   * is refused with NOT_LEADER_OR_FOLLOWER: the partition is moving right now, nothing was written.
   */
  private static <T> T within(Supplier<CompletionStage<T>> request, String what) throws Exception {
    long deadline = System.nanoTime() + WRITABLE_WITHIN.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return request.get().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException) || attempt == 100 || System.nanoTime() > deadline) {
          throw new AssertionError(what + " after the hand-over", e.getCause());
        }
        // The hand-over of this one is under way: ask again, as a Kafka client does after refreshing.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(what + " within " + WRITABLE_WITHIN + " after the hand-over", e);
      }
    }
  }
}
