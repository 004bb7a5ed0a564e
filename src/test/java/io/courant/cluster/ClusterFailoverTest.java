package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RetriableException;
import io.courant.client.TopicPartition;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, two of them separate JVMs on 127.0.0.2 and 127.0.0.3: a node killed with {@code
 * kill -9} loses no acknowledged record and its partitions take writes again on the survivors; a
 * node that leaves gracefully hands its partitions over without failing the appends in flight.
 */
class ClusterFailoverTest {
  private static final int PARTITIONS = 12;

  @Test
  void partitionsMoveOffAKilledNodeAndOffANodeThatLeaves() throws Exception {
    try (ThreeNodes nodes = new ThreeNodes("failover")) {
      TestNode seed = nodes.seed;
      NodeProcess b = nodes.b;
      NodeProcess c = nodes.c;
      Courant courant = seed.courant();
      String topic = uniqueTopic("failover");
      await(courant.createTopic(new NewTopic(topic, PARTITIONS)));
      for (int p = 0; p < PARTITIONS; p++) {
        await(courant.send(ProducerRecord.of(topic, null, "start").withPartition(p)));
      }
      UUID topicId = await(courant.describeTopic(topic)).topicId();

      // kill -9 the node that holds a partition: the acknowledged records stay, the partition moves.
      int onB = partitionOn(seed, topicId, b.address()).orElseThrow(() -> new AssertionError("no partition on node b"));
      TopicPartition tp = new TopicPartition(topic, onB);
      List<String> acked = new ArrayList<>(List.of("start"));
      for (int i = 0; i < 50; i++) {
        await(courant.send(ProducerRecord.of(topic, null, "before-" + i).withPartition(onB)));
        acked.add("before-" + i);
      }
      MembershipTimeline timeline = new MembershipTimeline(seed, AddressFromURIString.parse(b.address()));
      b.kill();
      long killedAt = System.nanoTime();
      timeline.start(killedAt);
      // An idempotent producer's batch: a retry of an append that did land is recognised, not written twice.
      retryUntilAcked(courant, tp, io.courant.testing.Batches.idempotent(42L, (short) 0, 0, "after-kill"), Duration.ofSeconds(60));
      double failoverSeconds = (System.nanoTime() - killedAt) / 1e9;
      timeline.stop();
      acked.add("after-kill");
      System.out.printf("failover: partition %s took writes again %.1f s after kill -9 of its node (%s)%n", tp, failoverSeconds,
          timeline);
      assertEquals(acked, ThreeNodes.values(courant, tp), "every acknowledged record, once, in order");
      // The bar of issue 7 on a 3-node cluster; no margin added for a loaded machine (see docs/reliability.md).
      assertTrue(failoverSeconds < 10, "writable again after " + failoverSeconds + " s (" + timeline + ")");

      // A graceful leave: appends keep flowing to a partition of the leaving node, none fails.
      Await.until("c holding partitions", Duration.ofSeconds(30), () -> partitionOn(seed, topicId, c.address()).isPresent());
      int onC = partitionOn(seed, topicId, c.address()).orElseThrow();
      AtomicBoolean running = new AtomicBoolean(true);
      List<String> sent = new ArrayList<>();
      CompletableFuture<List<Throwable>> producer = CompletableFuture.supplyAsync(() -> {
        List<Throwable> failures = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; running.get() && i < 10_000 && System.nanoTime() < deadline; i++) {
          try {
            await(courant.send(ProducerRecord.of(topic, null, "during-leave-" + i).withPartition(onC)));
            sent.add("during-leave-" + i);
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
        return failures;
      });
      Await.until("appends flowing", Duration.ofSeconds(30), () -> sent.size() >= 20);
      c.stop();
      int sentAtLeave = sent.size();
      Await.until("appends flowing after the leave", Duration.ofSeconds(60), () -> sent.size() >= sentAtLeave + 20);
      running.set(false);
      assertEquals(List.of(), producer.get(90, TimeUnit.SECONDS), "no append failed while the partition moved");
      List<String> stored = ThreeNodes.values(courant, new TopicPartition(topic, onC));
      assertEquals(sent, stored.subList(1, stored.size()), "every acknowledged record, once, in order");
    }
  }

  /** When the seed saw a killed node unreachable, downed and removed: where the failover time goes. */
  private static final class MembershipTimeline {
    private final Cluster cluster;
    private final Address node;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile double unreachable = Double.NaN;
    private volatile double downed = Double.NaN;
    private volatile double removed = Double.NaN;
    private Thread poller;

    MembershipTimeline(TestNode seed, Address node) {
      this.cluster = Cluster.get(seed.system());
      this.node = node;
    }

    void start(long since) {
      poller = new Thread(() -> {
        long deadline = since + TimeUnit.SECONDS.toNanos(60);
        while (running.get() && System.nanoTime() < deadline) {
          double now = (System.nanoTime() - since) / 1e9;
          var state = cluster.state();
          if (Double.isNaN(unreachable) && state.getUnreachable().stream().anyMatch(m -> m.address().equals(node))) {
            unreachable = now;
          }
          Optional<Member> member = StreamSupport.stream(state.getMembers().spliterator(), false)
              .filter(m -> m.address().equals(node)).findFirst();
          if (Double.isNaN(downed) && member.map(m -> m.status() == MemberStatus.down()).orElse(false)) {
            downed = now;
          }
          if (Double.isNaN(removed) && member.isEmpty()) {
            removed = now;
            downed = Double.isNaN(downed) ? now : downed;
          }
          try {
            Thread.sleep(20); // sampling interval of the timeline, not a wait for a condition
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "failover-timeline");
      poller.setDaemon(true);
      poller.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      poller.join(5_000);
    }

    @Override
    public String toString() {
      return String.format("seen unreachable %.1f s, downed %.1f s, removed %.1f s after the kill", unreachable, downed, removed);
    }
  }

  /** A partition of the topic whose shard is hosted by the node at {@code address}. */
  static Optional<Integer> partitionOn(TestNode node, UUID topicId, String address) {
    ShardRegion.ClusterShardingStats stats = await(AskPattern.ask(ClusterSharding.get(node.system()).shardState(),
        (org.apache.pekko.actor.typed.ActorRef<ShardRegion.ClusterShardingStats> replyTo) ->
            new GetClusterShardingStats(Partition.ENTITY_KEY, Duration.ofSeconds(5), replyTo),
        Duration.ofSeconds(10), node.system().scheduler()));
    Address wanted = AddressFromURIString.parse(address);
    ShardRegion.ShardRegionStats region = stats.getRegions().get(wanted);
    if (region == null) {
      return Optional.empty();
    }
    HashCodeMessageExtractor<Partition.Command> shards = new HashCodeMessageExtractor<>(
        node.system().settings().config().getInt("pekko.cluster.sharding.number-of-shards"));
    for (int p = 0; p < PARTITIONS; p++) {
      if (region.getStats().containsKey(shards.shardId(Partition.entityId(topicId, p)))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Sends until acknowledged, retrying retriable failures (as a Kafka producer does), up to {@code within}. */
  private static void retryUntilAcked(Courant courant, TopicPartition tp, byte[] batch, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        courant.append(tp, batch.clone(), Partition.Acks.ALL).toCompletableFuture().get(1, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
        boolean retriable = cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException;
        if (!retriable || System.nanoTime() > deadline) {
          throw new AssertionError("the partition did not take the append within " + within + ": " + cause, cause);
        }
      }
    }
  }
}
