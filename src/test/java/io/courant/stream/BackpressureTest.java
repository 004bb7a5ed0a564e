package io.courant.stream;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backpressure end to end: a slow consumer over a large topic, and an idle consumer. */
class BackpressureTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void aConsumerMuchSlowerThanItsProducerHoldsABoundedNumberOfRecords() {
    String topic = uniqueTopic("large");
    await(node.courant().createTopic(new NewTopic(topic, 2)));
    String value = "x".repeat(100);
    int records = 100_000;
    // The stage does not retry a failed append (a Cassandra write timeout on a loaded machine):
    // produce again then; a few records twice do not matter to this test.
    for (int attempt = 1; ; attempt++) {
      try {
        await(Source.range(1, records)
            .map(i -> ProducerRecord.<String, String>of(topic, value).withPartition(i % 2))
            .runWith(Producer.plainSink(TestSettings.producer(node)), node.system()));
        break;
      } catch (io.courant.client.RetriableException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }

    int maxPollRecords = 200;
    AtomicLong emitted = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    var run = Consumer.plainSource(TestSettings.consumer(node, null).withProperty("max.poll.records", Integer.toString(maxPollRecords)),
            Subscriptions.assignment(new TopicPartition(topic, 0), new TopicPartition(topic, 1)))
        .throttle(1000, Duration.ofSeconds(1)) // the slow consumer: 1,000 records/s
        .map(r -> emitted.incrementAndGet())
        .toMat(Sink.ignore(), Keep.left())
        .run(node.system());
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerMetrics m = run.metrics();
        maxAhead.accumulateAndGet(m.recordsPolled() - emitted.get(), Math::max);
        assertTrue(m.recordsBuffered() <= 2L * maxPollRecords, "the source's lane stays within two polls: " + m);
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      ConsumerMetrics end = run.metrics();
      assertTrue(emitted.get() >= 1000, "the consumer made progress: " + emitted.get());
      assertTrue(end.recordsPolled() < 10_000,
          "records are taken from the log as the slow consumer goes, not all " + records + " at once: " + end);
      // the lane (2 polls) + the chunk being emitted + the throttle's few elements
      assertTrue(maxAhead.get() <= 2L * maxPollRecords + 64 + 16, "records read ahead of the consumer: " + maxAhead.get());
    } finally {
      await(run.shutdown());
    }
  }

  @Test
  void anIdleConsumerLongPollsAndUsesAlmostNoCpu() {
    String topic = uniqueTopic("idle");
    await(node.courant().createTopic(new NewTopic(topic, 4)));
    ConsumerSettings<String, String> settings = TestSettings.consumer(node, null).withPollTimeout(Duration.ofMillis(100));
    var control = Consumer.plainSource(settings, Subscriptions.assignment(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
            new TopicPartition(topic, 2), new TopicPartition(topic, 3)))
        .toMat(Sink.ignore(), Keep.left())
        .run(node.system());
    try {
      Await.until("the source polling", Duration.ofSeconds(10), () -> control.metrics().polls() > 2);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> before = pollerCpu(threads);
      long polls = control.metrics().polls();
      long started = System.nanoTime();
      Await.until("three seconds idle", Duration.ofSeconds(10), Duration.ofMillis(200),
          () -> System.nanoTime() - started >= Duration.ofSeconds(3).toNanos());
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<Long, Long> after = pollerCpu(threads);
      long cpuNanos = 0;
      for (Map.Entry<Long, Long> e : after.entrySet()) {
        cpuNanos += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
      long idlePolls = control.metrics().polls() - polls;
      double share = cpuNanos / 1e9 / seconds;
      System.out.printf("idle consumer: %d polls in %.1f s, poll threads %.2f%% of a core%n", idlePolls, seconds, share * 100);
      assertTrue(idlePolls <= seconds * 10 + 5, "long polls (100 ms each), not a busy loop: " + idlePolls + " polls");
      assertTrue(idlePolls >= seconds * 10 / 3, "still polling: " + idlePolls);
      assertTrue(share < 0.05, "the poll threads used " + share * 100 + "% of a core");
    } finally {
      await(control.shutdown());
    }
  }

  /** CPU time of the consumer-dispatcher threads, by thread id. */
  private static Map<Long, Long> pollerCpu(ThreadMXBean threads) {
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("consumer-dispatcher")) {
        out.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return out;
  }
}
