package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.stream.ConsumerMessage.Committable;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Committer batching and at-least-once across failures, against a real node. */
class CommitterTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static long committed(String group, TopicPartition tp) {
    OffsetAndMetadata o = await(node.courant().committedOffsets(group, List.of(tp))).get(tp);
    return o == null ? 0 : o.offset();
  }

  @Test
  void commitsAreBatchedByCount() throws Exception {
    String topic = node.topicWithRecords("count", 1, 35);
    String group = uniqueTopic("g");
    TopicPartition tp = new TopicPartition(topic, 0);
    AtomicInteger processed = new AtomicInteger();
    List<Long> batchSizes = new CopyOnWriteArrayList<>();
    CommitterSettings tenAtATime = CommitterSettings.create(node.system()).withMaxBatch(10).withMaxInterval(Duration.ofMinutes(1));
    Consumer.DrainingControl<Done> control = Consumer.committableSource(TestSettings.consumer(node, group), Subscriptions.assignment(tp))
        .map(msg -> {
          processed.incrementAndGet();
          return (Committable) msg.committableOffset();
        })
        .via(Committer.batchFlow(tenAtATime))
        .mapAsync(1, batch -> {
          batchSizes.add(batch.batchSize());
          return batch.commit();
        })
        .toMat(Sink.ignore(), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("three full batches committed", Duration.ofSeconds(30), () -> committed(group, tp) == 30);
    assertEquals(35, processed.get());
    assertEquals(List.of(10L, 10L, 10L), batchSizes, "the last 5 wait for a full batch or the interval");
    control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(List.of(10L, 10L, 10L, 5L), batchSizes, "completing the stream commits the rest");
    assertEquals(35, committed(group, tp));
  }

  @Test
  void commitsGoOutAfterMaxIntervalWithoutAFullBatch() {
    String topic = node.topicWithRecords("interval", 1, 20);
    String group = uniqueTopic("g");
    TopicPartition tp = new TopicPartition(topic, 0);
    CommitterSettings slowBatches = CommitterSettings.create(node.system()).withMaxBatch(1000).withMaxInterval(Duration.ofMillis(300));
    Consumer.DrainingControl<Done> control = Consumer.committableSource(TestSettings.consumer(node, group), Subscriptions.assignment(tp))
        .map(msg -> (Committable) msg.committableOffset())
        .toMat(Committer.sink(slowBatches), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("the interval's commit", Duration.ofSeconds(10), () -> committed(group, tp) == 20);
    assertFalse(control.streamCompletion().toCompletableFuture().isDone(), "committed while the stream runs");
    await(control.drainAndShutdown(node.system().executionContext()));
  }

  /**
   * A RestartSource around a committable source whose processing fails once: after the restart the
   * source reads again from the last commit, so every record is processed (some twice), none is
   * skipped.
   */
  @Test
  void aFailedAndRestartedStreamLosesAndSkipsNothing() {
    String topic = node.topicWithRecords("restart", 2, 200);
    String group = uniqueTopic("g");
    Map<String, Integer> timesSeen = new ConcurrentHashMap<>();
    AtomicBoolean failedOnce = new AtomicBoolean();
    AtomicReference<Consumer.Control> control = new AtomicReference<>();
    AtomicInteger starts = new AtomicInteger();
    CommitterSettings committer = CommitterSettings.create(node.system()).withMaxBatch(10).withMaxInterval(Duration.ofMillis(200));
    RestartSettings restart = RestartSettings.create(Duration.ofMillis(100), Duration.ofMillis(500), 0.2);
    UniqueKillSwitch kill = RestartSource.onFailuresWithBackoff(restart, () -> {
          starts.incrementAndGet();
          return Consumer.committableSource(TestSettings.consumer(node, group), Subscriptions.topics(topic))
              .mapMaterializedValue(c -> {
                control.set(c);
                return c;
              })
              .map(msg -> {
                String value = msg.record().value();
                if (value.equals("r121") && failedOnce.compareAndSet(false, true)) {
                  throw new IllegalStateException("processing " + value + " failed");
                }
                timesSeen.merge(value, 1, Integer::sum);
                return (Committable) msg.committableOffset();
              })
              .via(Committer.flow(committer));
        })
        .viaMat(KillSwitches.single(), Keep.right())
        .to(Sink.ignore())
        .run(node.system());
    try {
      Await.until("every record processed", Duration.ofSeconds(60), () -> timesSeen.size() == 200);
      Await.until("everything committed", Duration.ofSeconds(30),
          () -> committed(group, new TopicPartition(topic, 0)) + committed(group, new TopicPartition(topic, 1)) == 200);
    } finally {
      kill.shutdown();
      await(control.get().isShutdown());
    }
    assertTrue(failedOnce.get());
    assertEquals(2, starts.get(), "one restart");
    assertEquals(Set.of(), Set.copyOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "r" + i)
        .filter(v -> !timesSeen.containsKey(v)).toList()), "nothing skipped");
    assertEquals(1, timesSeen.get("r121"), "the failed record is processed after the restart");
  }
}
