package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.OffsetOutOfRangeException;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.log.Partition.Acks;
import io.courant.stream.ConsumerMessage.Committable;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer sources and the committer against a real node and Cassandra. */
class ConsumerStreamTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  private static ConsumerSettings<String, String> settings(String group) {
    return TestSettings.consumer(node, group);
  }

  private static CommitterSettings committer() {
    return TestSettings.committer(node);
  }

  private static long committedTotal(String group, String topic, int partitions) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    return await(node.courant().committedOffsets(group, tps)).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  @Test
  void plainSourceReadsAnAssignedPartitionFromTheBeginning() throws Exception {
    String topic = node.topicWithRecords("plain", 2, 200);
    List<ConsumerRecord<String, String>> read = Consumer.plainSource(settings(null),
            Subscriptions.assignment(new TopicPartition(topic, 1)))
        .take(100)
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, read.get(i).offset());
      assertEquals(1, read.get(i).partition());
      assertEquals("r" + (2 * i + 1), read.get(i).value());
    }
  }

  @Test
  void assignmentWithOffsetStartsThere() throws Exception {
    String topic = node.topicWithRecords("offset", 1, 50);
    List<ConsumerRecord<String, String>> read = Consumer.plainSource(settings(null),
            Subscriptions.assignmentWithOffset(new TopicPartition(topic, 0), 42))
        .take(8)
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(List.of("r42", "r43", "r44", "r45", "r46", "r47", "r48", "r49"), read.stream().map(ConsumerRecord::value).toList());
  }

  @Test
  void assignmentOffsetsForTimesStartsAtTheFirstRecordAtOrAfterTheTimestamp() throws Exception {
    String topic = uniqueTopic("times");
    await(node.courant().createTopic(new NewTopic(topic, 1)));
    List<io.courant.client.ProducerRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(io.courant.client.ProducerRecord.of(topic, null, "t" + i).withPartition(0).withTimestamp(1_000_000L + 1000L * i));
    }
    await(node.courant().sendAll(records, Acks.ALL));
    List<ConsumerRecord<String, String>> read = Consumer.plainSource(settings(null),
            Subscriptions.assignmentOffsetsForTimes(new TopicPartition(topic, 0), 1_000_000L + 6500))
        .take(3)
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(List.of("t7", "t8", "t9"), read.stream().map(ConsumerRecord::value).toList());
    assertEquals(1_007_000L, read.get(0).timestamp());
  }

  @Test
  void committableSourceCommitsWhatWasProcessedAndTheNextRunContinuesThere() throws Exception {
    String topic = node.topicWithRecords("commit", 2, 100);
    String group = uniqueTopic("g");
    Set<String> firstRun = ConcurrentHashMap.newKeySet();
    Consumer.DrainingControl<Done> control = Consumer.committableSource(settings(group), Subscriptions.topics(topic))
        .throttle(20, Duration.ofSeconds(1))
        .map(msg -> {
          firstRun.add(msg.record().value());
          return (Committable) msg.committableOffset();
        })
        .toMat(Committer.sink(committer()), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("some records processed", Duration.ofSeconds(30), () -> firstRun.size() >= 30);
    control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    await(control.isShutdown());
    long committed = committedTotal(group, topic, 2);
    Map<TopicPartition, OffsetAndMetadata> before = await(node.courant().committedOffsets(group,
        List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1))));
    assertEquals(firstRun.size(), committed, "draining committed exactly what was processed");
    assertTrue(committed < 100, "the first run stopped before the end: " + committed);

    Map<Integer, Long> firstOffsets = new ConcurrentHashMap<>();
    Set<String> secondRun = ConcurrentHashMap.newKeySet();
    Consumer.DrainingControl<Done> again = Consumer.committableSource(settings(group), Subscriptions.topics(topic))
        .map(msg -> {
          firstOffsets.putIfAbsent(msg.record().partition(), msg.record().offset());
          secondRun.add(msg.record().value());
          return (Committable) msg.committableOffset();
        })
        .toMat(Committer.sink(committer()), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("the rest processed", Duration.ofSeconds(30), () -> secondRun.size() >= 100 - committed);
    again.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> after = await(node.courant().committedOffsets(group,
        List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1))));
    assertEquals(100, after.values().stream().mapToLong(OffsetAndMetadata::offset).sum(), "everything committed at the end");
    before.forEach((tp, o) -> {
      if (o.offset() < 50) {
        assertEquals(o.offset(), firstOffsets.get(tp.partition()), "the second run started exactly at the committed offset of " + tp);
      }
    });
    Set<String> all = new HashSet<>(firstRun);
    all.addAll(secondRun);
    assertEquals(100, all.size(), "nothing skipped");
  }

  @Test
  void topicPatternSubscribesToMatchingTopicsAndTellsTheRebalanceListener() throws Exception {
    String prefix = uniqueTopic("pat");
    String a = node.topicWithRecords(prefix + "-a", 1, 5);
    String b = node.topicWithRecords(prefix + "-b", 1, 5);
    node.topicWithRecords("other", 1, 5);
    TestProbe<Subscription.RebalanceEvent> probe = TestProbe.create(node.system());
    Subscription.AutoSubscription subscription = Subscriptions.topicPattern(prefix + "-.*").withRebalanceListener(probe.getRef());
    Consumer.DrainingControl<List<ConsumerRecord<String, String>>> control =
        Consumer.plainSource(settings(uniqueTopic("g")), subscription)
            .take(10)
            .toMat(Sink.seq(), Consumer::createDrainingControl)
            .run(node.system());
    List<ConsumerRecord<String, String>> read = control.streamCompletion().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(Set.of(a, b), read.stream().map(ConsumerRecord::topic).collect(java.util.stream.Collectors.toSet()));
    Subscription.TopicPartitionsAssigned assigned = probe.expectMessageClass(Subscription.TopicPartitionsAssigned.class);
    assertEquals(Set.of(new TopicPartition(a, 0), new TopicPartition(b, 0)), assigned.partitions());
    assertEquals(subscription, assigned.subscription());
    await(control.isShutdown());
    probe.expectMessageClass(Subscription.TopicPartitionsRevoked.class);
  }

  @Test
  void atMostOnceSourceCommitsEachRecordBeforeEmittingIt() throws Exception {
    String topic = node.topicWithRecords("atmost", 1, 20);
    String group = uniqueTopic("g");
    TopicPartition tp = new TopicPartition(topic, 0);
    List<Long> committedWhenSeen = new CopyOnWriteArrayList<>();
    List<ConsumerRecord<String, String>> read = Consumer.atMostOnceSource(settings(group), Subscriptions.assignment(tp))
        .map(r -> {
          committedWhenSeen.add(await(node.courant().committedOffsets(group, List.of(tp))).get(tp).offset());
          return r;
        })
        .take(5)
        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      assertEquals(read.get(i).offset() + 1, committedWhenSeen.get(i), "record " + i + " was committed before it was emitted");
    }
  }

  @Test
  void sourceWithOffsetContextCommitsTheContext() throws Exception {
    String topic = node.topicWithRecords("context", 1, 30);
    String group = uniqueTopic("g");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Consumer.DrainingControl<Done> control = Consumer.sourceWithOffsetContext(settings(group),
            Subscriptions.assignment(new TopicPartition(topic, 0)))
        .map(r -> {
          seen.add(r.value());
          return r.value().toUpperCase();
        })
        .toMat(Committer.sinkWithOffsetContext(committer()), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("all processed", Duration.ofSeconds(30), () -> seen.size() == 30);
    control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(30, committedTotal(group, topic, 1));
  }

  @Test
  void committableSinkProducesThenCommitsTheConsumedOffsets() throws Exception {
    String input = node.topicWithRecords("ctp-in", 2, 60);
    String output = uniqueTopic("ctp-out");
    await(node.courant().createTopic(new NewTopic(output, 1)));
    String group = uniqueTopic("g");
    ProducerSettings<String, String> producer = TestSettings.producer(node);
    Consumer.DrainingControl<Done> control = Consumer.committableSource(settings(group), Subscriptions.topics(input))
        .map(msg -> ProducerMessage.single(ProducerRecord.<String, String>of(output, msg.record().value().toUpperCase()),
            (Committable) msg.committableOffset()))
        .toMat(Producer.committableSink(producer, committer()), Consumer::createDrainingControl)
        .run(node.system());
    TopicPartition out = new TopicPartition(output, 0);
    Await.until("all transformed", Duration.ofSeconds(30), () -> await(node.courant().latestOffset(out)) >= 60);
    control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Set<String> values = new HashSet<>();
    ProducerStreamTest.readAll(node.courant(), out).forEach(r -> values.add(r.valueString()));
    for (int i = 0; i < 60; i++) {
      assertTrue(values.contains("R" + i), "R" + i);
    }
    assertEquals(60, committedTotal(group, input, 2));
  }

  /**
   * Consume, transform, produce, commit (issue 4, item 7): the pipeline is killed midway — aborted,
   * with batches and commits in flight and nothing drained — then started again in the same group.
   * Every input record ends up in the output at least once, none is skipped, and the offsets
   * committed at the end cover the whole input.
   */
  @Test
  void aConsumeTransformProducePipelineKilledMidwayAndRestartedSkipsNothing() throws Exception {
    int records = 6000;
    String input = node.topicWithRecords("ctp-kill-in", 2, records);
    String output = uniqueTopic("ctp-kill-out");
    await(node.courant().createTopic(new NewTopic(output, 3)));
    String group = uniqueTopic("g");
    ProducerSettings<String, String> producer = TestSettings.producer(node).withLinger(Duration.ofMillis(20));
    CommitterSettings committer = committer().withMaxBatch(100).withMaxInterval(Duration.ofMillis(300));
    java.util.function.Supplier<org.apache.pekko.stream.javadsl.Source<ProducerMessage.Envelope<String, String, Committable>, Consumer.Control>>
        pipeline = () -> Consumer.committableSource(settings(group), Subscriptions.topics(input))
            .throttle(1500, Duration.ofSeconds(1)) // slow enough to be killed midway
            .map(msg -> ProducerMessage.single(ProducerRecord.<String, String>of(output, msg.record().value().toUpperCase()),
                (Committable) msg.committableOffset()));
    List<TopicPartition> outputs = List.of(new TopicPartition(output, 0), new TopicPartition(output, 1), new TopicPartition(output, 2));
    java.util.function.LongSupplier produced = () -> outputs.stream().mapToLong(tp -> await(node.courant().latestOffset(tp))).sum();

    org.apache.pekko.stream.SharedKillSwitch kill = org.apache.pekko.stream.KillSwitches.shared("crash");
    Pair<Consumer.Control, java.util.concurrent.CompletionStage<Done>> first = pipeline.get()
        .via(kill.flow())
        .toMat(Producer.committableSink(producer, committer), Keep.both())
        .run(node.system());
    Await.until("a part of the input transformed", Duration.ofSeconds(60), () -> produced.getAsLong() >= records / 4);
    kill.abort(new IllegalStateException("killed midway"));
    ProducerStreamTest.failure(first.second());
    await(first.first().isShutdown());
    long committedAtKill = committedTotal(group, input, 2);
    assertTrue(committedAtKill < records, "killed before the end: " + committedAtKill + " of " + records + " committed");

    Consumer.DrainingControl<Done> second = pipeline.get()
        .toMat(Producer.committableSink(producer, committer), Consumer::createDrainingControl)
        .run(node.system());
    Await.until("the whole input committed after the restart", Duration.ofSeconds(90),
        () -> committedTotal(group, input, 2) == records);
    second.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(30, TimeUnit.SECONDS);

    Map<String, Integer> times = new java.util.HashMap<>();
    for (TopicPartition tp : outputs) {
      ProducerStreamTest.readAll(node.courant(), tp).forEach(r -> times.merge(r.valueString(), 1, Integer::sum));
    }
    List<String> missing = java.util.stream.IntStream.range(0, records).mapToObj(i -> "R" + i).filter(v -> !times.containsKey(v)).toList();
    assertEquals(List.of(), missing, "every input record in the output at least once");
    assertEquals(records, times.size(), "nothing but the input in the output");
    System.out.printf("killed with %d of %d input offsets committed; %d records written twice (at-least-once)%n", committedAtKill,
        records, times.values().stream().filter(n -> n > 1).count());
  }

  @Test
  void withAutoOffsetResetNoneAndNoCommitTheSourceFailsWithATypedError() {
    String topic = node.topicWithRecords("none", 1, 3);
    var done = Consumer.committableSource(settings(uniqueTopic("g")).withProperty("auto.offset.reset", "none"),
            Subscriptions.assignment(new TopicPartition(topic, 0)))
        .runWith(Sink.ignore(), node.system());
    OffsetOutOfRangeException e = assertInstanceOf(OffsetOutOfRangeException.class, ProducerStreamTest.failure(done));
    assertTrue(!e.retriable());
  }

  @Test
  void stopCompletesTheSourceButKeepsTheConsumerForCommitsUntilShutdown() throws Exception {
    String topic = node.topicWithRecords("stop", 1, 10);
    String group = uniqueTopic("g");
    List<ConsumerMessage.CommittableMessage<String, String>> held = new CopyOnWriteArrayList<>();
    Pair<Consumer.Control, java.util.concurrent.CompletionStage<Done>> run = Consumer.committableSource(settings(group),
            Subscriptions.assignment(new TopicPartition(topic, 0)))
        .toMat(Sink.foreach(held::add), Keep.both())
        .run(node.system());
    Await.until("all read", Duration.ofSeconds(30), () -> held.size() == 10);
    await(run.first().stop());
    await(run.second());
    await(held.get(9).committableOffset().commit());
    assertEquals(10, committedTotal(group, topic, 1), "a commit after stop() still goes through");
    await(run.first().shutdown());
    ConsumerShutDownException e = assertInstanceOf(ConsumerShutDownException.class,
        ProducerStreamTest.failure(held.get(5).committableOffset().commit()));
    assertTrue(e.getMessage().contains(group), e.getMessage());
  }
}
