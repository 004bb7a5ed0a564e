package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.stream.ConsumerMessage.Committable;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** committablePartitionedSource: a sub-source per assigned partition, completed on revoke, through a rebalance. */
class PartitionedSourceTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  /** One member of the group: which partitions it has live sub-sources for, and what it processed. */
  private static final class Member {
    final Set<TopicPartition> live = ConcurrentHashMap.newKeySet();
    final AtomicInteger subSourcesStarted = new AtomicInteger();
    final AtomicInteger subSourcesCompleted = new AtomicInteger();
    final Consumer.DrainingControl<Done> control;

    Member(String group, String topic, Set<String> processed) {
      control = Consumer.committablePartitionedSource(TestSettings.consumer(node, group), Subscriptions.topics(topic))
          .flatMapMerge(8, pair -> {
            TopicPartition tp = pair.first();
            live.add(tp);
            subSourcesStarted.incrementAndGet();
            return pair.second()
                .map(msg -> {
                  assertEquals(tp.partition(), msg.record().partition(), "a sub-source carries only its partition");
                  processed.add(msg.record().value());
                  return (Committable) msg.committableOffset();
                })
                .watchTermination((mat, done) -> {
                  done.thenRun(() -> {
                    live.remove(tp);
                    subSourcesCompleted.incrementAndGet();
                  });
                  return mat;
                });
          })
          .toMat(Committer.sink(TestSettings.committer(node)), Consumer::createDrainingControl)
          .run(node.system());
    }
  }

  private static void produce(String topic, int partitions, int from, int to) {
    List<io.courant.client.ProducerRecord> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(io.courant.client.ProducerRecord.of(topic, null, "r" + i).withPartition(i % partitions));
    }
    await(node.courant().sendAll(records, Acks.ALL));
  }

  @Test
  void aSecondMemberTakesHalfThePartitionsAndNothingIsSkipped() throws Exception {
    String topic = node.topicWithRecords("partitioned", 4, 400);
    String group = uniqueTopic("g");
    Set<String> processed = ConcurrentHashMap.newKeySet();
    Member a = new Member(group, topic, processed);
    Await.until("A reads all four partitions", Duration.ofSeconds(60), () -> a.live.size() == 4 && processed.size() == 400);

    Member b = new Member(group, topic, processed);
    Await.until("the group split the partitions", Duration.ofSeconds(60),
        () -> a.live.size() == 2 && b.live.size() == 2);
    assertTrue(a.subSourcesCompleted.get() >= 2, "revoked partitions' sub-sources completed: " + a.subSourcesCompleted.get());
    Set<TopicPartition> union = new HashSet<>(a.live);
    union.addAll(b.live);
    assertEquals(4, union.size(), "each partition has exactly one live sub-source: A " + a.live + ", B " + b.live);

    produce(topic, 4, 400, 800);
    Await.until("both members read the new records", Duration.ofSeconds(60), () -> processed.size() == 800);
    List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2),
        new TopicPartition(topic, 3));
    Await.until("every partition committed to its end", Duration.ofSeconds(60), () ->
        await(node.courant().committedOffsets(group, tps)).values().stream().filter(o -> o.offset() == 200).count() == 4);
    for (int i = 0; i < 800; i++) {
      assertTrue(processed.contains("r" + i), "r" + i + " processed");
    }
    a.control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    b.control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
