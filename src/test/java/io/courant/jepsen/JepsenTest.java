package io.courant.jepsen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.cassandra.EmbeddedCassandra;
import io.courant.cassandra.EmbeddedCassandraSettings;
import io.courant.jepsen.HistoryChecker.Fault;
import io.courant.jepsen.HistoryChecker.Read;
import io.courant.jepsen.HistoryChecker.Report;
import io.courant.jepsen.HistoryChecker.Write;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Jepsen-style fault test: three Courant nodes, each its own JVM (127.0.0.2-4), on one Cassandra;
 * idempotent KafkaProducers ({@code acks=all}) write unique values to every partition and record
 * every outcome, a consumer reads everything while the faults happen and another reads everything
 * afterwards; faults on a schedule: {@code kill -9} of a node (then a restart), SIGSTOP of a node
 * past its downing (then SIGCONT, and a restart once the downed node has exited) and, in the long
 * version, a restart of Cassandra. {@link HistoryChecker} then checks the history: the test fails on
 * any lost write, duplicate, offset with two values, non-monotonic read or partition that never
 * accepted writes again, and prints the unavailability window of each fault.
 *
 * <p>The default suite runs the short version (one kill -9 and restart); {@code mvn -B -o test
 * -Pjepsen} runs the long one ({@code -Dcourant.jepsen=long}: two rounds of kill -9, SIGSTOP and a
 * Cassandra restart, on a Cassandra of its own) and writes target/jepsen/long.{json,md}.
 */
class JepsenTest {
  private static final int PARTITIONS = 6;
  private static final int PRODUCERS = 2;
  private static final boolean LONG = "long".equals(System.getProperty("courant.jepsen"));
  /** Past the downing of a frozen node (failure detection ~2-3 s + stable-after 3 s, conf/courant/pekko.conf). */
  private static final Duration PAUSE = Duration.ofSeconds(15);
  /** Unavailability after a kill -9 the test fails on: three times the 10 s bar (a loaded machine). */
  private static final Duration LOOSE_BAR = Duration.ofSeconds(30);

  private final long start = System.nanoTime();
  /** Wall-clock time of {@link #start}, to match the history with the nodes' logs. */
  private final java.time.Instant startedAt = java.time.Instant.now();
  private final Collection<Write> writes = new ConcurrentLinkedQueue<>();
  private final List<Read> reads = new CopyOnWriteArrayList<>();
  /** Why a write's outcome is unknown (its producer's exception), by value. */
  private final Map<String, String> errors = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<String> schedule = new ArrayList<>();
  /** Readers that could not read to the end (the checker still runs on what they read). */
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final NodeProcess[] nodes = new NodeProcess[3];
  private final int[] incarnation = new int[3];
  private String contactPoint;
  private int seedPort;

  @Test
  void noAcknowledgedWriteIsLostDuplicatedOrReorderedThroughKillsPausesAndCassandraRestarts(@TempDir Path data) throws Exception {
    EmbeddedCassandra cassandra = null;
    EmbeddedCassandraSettings cassandraSettings = null;
    if (LONG) {
      int[] ports = TestCassandra.freePorts();
      cassandraSettings = new EmbeddedCassandraSettings(data, "127.0.0.1", ports[0], ports[1], 1L << 30,
          Duration.ofSeconds(120), Path.of(System.getProperty("java.home")));
      cassandra = EmbeddedCassandra.start(cassandraSettings, TestCassandra.courantHome());
      contactPoint = cassandra.contactPoint();
      // NodeProcess passes the suite's Cassandra too (overridden below): do not start it for nothing.
      System.setProperty(TestCassandra.EXTERNAL_PROPERTY, contactPoint);
    } else {
      contactPoint = TestCassandra.contactPoint();
    }
    seedPort = TestCassandra.freePorts()[0];
    String topic = TestNode.uniqueTopic("jepsen");
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean reading = new AtomicBoolean(true);
    List<CompletableFuture<Void>> producers = new ArrayList<>();
    CompletableFuture<Void> liveReader = null;
    Map<TopicPartition, Long> end = new HashMap<>();
    try {
      for (int i = 0; i < 3; i++) {
        startNode(i);
      }
      awaitBrokers(3, Duration.ofSeconds(120));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
      }
      String bootstrap = bootstrap();
      for (int p = 0; p < PRODUCERS; p++) {
        int id = p;
        producers.add(CompletableFuture.runAsync(() -> produce(bootstrap, topic, id, producing)));
      }
      liveReader = CompletableFuture.runAsync(() -> read("live", bootstrap, topic, reading, end));
      long testDeadline = System.nanoTime() + (LONG ? TimeUnit.MINUTES.toNanos(12) : TimeUnit.SECONDS.toNanos(150));
      assertTrue(waitFor(Duration.ofSeconds(60), () -> everyPartitionAckedSince(0)), "every partition accepted writes before the faults");

      int rounds = LONG ? 2 : 1;
      for (int round = 0; round < rounds && System.nanoTime() < testDeadline; round++) {
        int victim = 1 + round % 2;
        int other = 3 - victim;
        killAndRestart(victim);
        steady(Duration.ofSeconds(LONG ? 10 : 5));
        if (LONG) {
          // The short version (in the default suite) keeps to kill -9 and restart, to stay short.
          pauseAndResume(other);
          steady(Duration.ofSeconds(10));
          long at = now();
          cassandra.close();
          // Cassandra stays away for 10 s while the producers keep writing (a scheduled outage).
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
          cassandra = EmbeddedCassandra.start(cassandraSettings, TestCassandra.courantHome());
          faults.add(new Fault("Cassandra stopped 10 s, restarted", at, now()));
          schedule.add(at + " ms: Cassandra stopped; " + now() + " ms: started again");
          awaitWritable(at);
          steady(Duration.ofSeconds(10));
        }
      }
      producing.set(false);
      for (CompletableFuture<Void> p : producers) {
        p.get(180, TimeUnit.SECONDS);
      }
      schedule.add(now() + " ms: producers stopped");
      // Everything read from the start by a consumer of its own, up to the end offsets.
      read("final", bootstrap(), topic, new AtomicBoolean(false), end);
      reading.set(false);
      liveReader.get(180, TimeUnit.SECONDS);
    } finally {
      producing.set(false);
      reading.set(false);
      for (NodeProcess n : nodes) {
        if (n != null) {
          n.close();
        }
      }
      if (cassandra != null) {
        cassandra.close();
      }
    }
    Report report = HistoryChecker.check(writes, reads, faults, PARTITIONS);
    String summary = report.describe(20);
    System.out.println("jepsen (" + (LONG ? "long" : "short") + "): " + String.join("; ", schedule) + "\n" + summary + problems);
    writeResults(report, end);
    assertTrue(report.clean() && problems.isEmpty(), "the history has anomalies:\n" + summary + problems);
    assertTrue(report.acknowledged() > 1000, "enough writes were acknowledged to mean something: " + report.acknowledged());
    for (HistoryChecker.Window w : report.windows()) {
      // The bar is 10 s after a kill -9 (docs/reliability.md, measured and printed above); asserted
      // loosely here, so that a loaded build machine does not fail the suite, while a partition that
      // stays unwritable for long (a hand-over that never completes, a held request) still does.
      if (w.fault().name().startsWith("kill -9")) {
        assertTrue(w.unavailableMs() <= LOOSE_BAR.toMillis(), "no partition without an acknowledgement for longer than " + LOOSE_BAR + " after the kill: " + w);
      }
    }
  }

  private void killAndRestart(int i) {
    long at = now();
    nodes[i].kill();
    // The killed node stays away for 5 s while the others take over its partitions (a scheduled outage).
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
    startNode(i);
    faults.add(new Fault("kill -9 of node " + name(i) + ", restarted 5 s later", at, now()));
    schedule.add(at + " ms: kill -9 " + name(i) + "; " + now() + " ms: restarted");
    awaitWritable(at);
    awaitBrokers(3, Duration.ofSeconds(120));
  }

  private void pauseAndResume(int i) {
    long at = now();
    int before = incarnation[i];
    nodes[i].pause();
    // Frozen past its downing (the fault being injected), while the producers keep writing.
    LockSupport.parkNanos(PAUSE.toNanos());
    nodes[i].resume();
    long resumedAt = now();
    // Downed while frozen, the node learns it on resuming and exits (or rejoins): wait for either.
    waitFor(Duration.ofSeconds(60), () -> !nodes[i].isAlive());
    // Restarted, it joins again and Cluster Sharding hands partitions back to it.
    if (!nodes[i].isAlive()) {
      startNode(i);
    }
    faults.add(new Fault("SIGSTOP of node " + name(i) + " for " + PAUSE.toSeconds() + " s, then SIGCONT", at, resumedAt));
    schedule.add(at + " ms: SIGSTOP " + name(i) + "; " + resumedAt + " ms: SIGCONT; " + now() + " ms: "
        + (nodes[i].isAlive() ? (incarnation[i] > before ? "the downed node exited and was restarted" : "the node still runs")
            : "the downed node exited (not restarted)"));
    awaitWritable(at);
    awaitBrokers(nodes[i].isAlive() ? 3 : 2, Duration.ofSeconds(120));
  }

  /** Lets the producers write without a fault for a while (a scheduled quiet period). */
  private void steady(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }

  private void awaitWritable(long since) {
    // Not fatal here: the checker reports a partition that never accepted writes again.
    waitFor(Duration.ofSeconds(120), () -> everyPartitionAckedSince(since));
  }

  private boolean everyPartitionAckedSince(long since) {
    boolean[] acked = new boolean[PARTITIONS];
    for (Write w : writes) {
      if (w.outcome() == HistoryChecker.Outcome.ACKED && w.sentAt() >= since) {
        acked[w.partition()] = true;
      }
    }
    for (boolean a : acked) {
      if (!a) {
        return false;
      }
    }
    return true;
  }

  private void produce(String bootstrap, String topic, int id, AtomicBoolean producing) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int seq = 0; producing.get() && seq < 1_000_000 && System.nanoTime() < deadline; seq++) {
        String value = "w" + id + "-" + seq;
        int partition = seq % PARTITIONS;
        long sentAt = now();
        try {
          producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
            if (e != null) {
              errors.put(value, e.toString().replace('\n', ' '));
            }
            writes.add(e == null
                ? Write.acked(value, partition, md.offset(), sentAt, now())
                // Failed after it was handed to the producer: it may have been stored.
                : Write.unknown(value, partition, sentAt, now()));
          });
        } catch (RuntimeException e) {
          writes.add(Write.failed(value, partition, sentAt, now())); // refused by send(): never sent
        }
        // About 200 writes per second per producer (the load's pace, not a wait for a condition).
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      producer.flush();
    }
  }

  /**
   * Reads every partition from its start, recording each record; with {@code more} false (or once
   * it turns false), stops when every partition's position reaches its end offset in {@code end}
   * (filled by the first reader that finds it empty).
   */
  private void read(String name, String bootstrap, String topic, AtomicBoolean more, Map<TopicPartition, Long> end) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    boolean ending = false;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          reads.add(new Read(name, r.partition(), r.offset(), r.value()));
        }
        if (!more.get()) {
          // Two minutes at most from here to read up to the end offsets.
          if (!ending) {
            ending = true;
            deadline = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
          }
          synchronized (end) {
            if (end.isEmpty()) {
              end.putAll(consumer.endOffsets(tps, Duration.ofSeconds(60)));
            }
          }
          if (tps.stream().allMatch(tp -> consumer.position(tp, Duration.ofSeconds(60)) >= end.get(tp))) {
            return;
          }
        }
      }
      problems.add(name + " consumer did not reach the end offsets " + end + " in time");
    } catch (RuntimeException e) {
      problems.add(name + " consumer failed: " + e);
    }
  }

  private void startNode(int i) {
    String host = "127.0.0.2".substring(0, 8) + (2 + i);
    List<String> settings = new ArrayList<>();
    // Later -D settings win: every node on this test's Cassandra, node a the seed at a port chosen here.
    settings.add("courant.cassandra.contact-points.0=" + contactPoint);
    if (i == 0) {
      settings.add("pekko.remote.artery.canonical.port=" + seedPort);
    }
    incarnation[i]++;
    nodes[i] = NodeProcess.start("jepsen-" + name(i) + "-" + incarnation[i], host, "pekko://courant@127.0.0.2:" + seedPort, settings);
  }

  private static String name(int i) {
    return String.valueOf((char) ('a' + i));
  }

  private String bootstrap() {
    List<String> listeners = new ArrayList<>();
    for (NodeProcess n : nodes) {
      if (n != null && n.isAlive()) {
        listeners.add(n.host() + ":" + n.kafkaPort());
      }
    }
    return String.join(",", listeners);
  }

  private void awaitBrokers(int count, Duration timeout) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      assertTrue(waitFor(timeout, () -> {
        try {
          return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == count;
        } catch (Exception e) {
          return false; // a node starting or a loaded machine: ask again
        }
      }), count + " brokers within " + timeout);
    }
  }

  /** Checks {@code condition} every 100 ms until it holds or {@code timeout} passes; tells which. */
  private static boolean waitFor(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    return true;
  }

  private long now() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private void writeResults(Report r, Map<TopicPartition, Long> end) throws Exception {
    Path dir = TestCassandra.courantHome().resolve("target/jepsen");
    Files.createDirectories(dir);
    String version = LONG ? "long" : "short";
    String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"version\": \"").append(version).append("\",\n");
    json.append("  \"machine\": \"").append(machine).append("\",\n");
    json.append("  \"partitions\": ").append(PARTITIONS).append(", \"producers\": ").append(PRODUCERS).append(",\n");
    json.append("  \"writes\": ").append(r.writes()).append(", \"acknowledged\": ").append(r.acknowledged())
        .append(", \"unknown\": ").append(r.unknown()).append(", \"unknown_read\": ").append(r.unknownThenRead())
        .append(", \"failed\": ").append(r.failed()).append(", \"reads\": ").append(r.reads()).append(",\n");
    json.append("  \"end_offsets_total\": ").append(end.values().stream().mapToLong(Long::longValue).sum()).append(",\n");
    json.append("  \"lost\": ").append(r.lost().size()).append(", \"duplicated\": ").append(r.duplicated().size())
        .append(", \"two_values_at_one_offset\": ").append(r.conflicting().size()).append(", \"non_monotonic\": ")
        .append(r.nonMonotonic().size()).append(", \"never_written\": ").append(r.unknownValues().size()).append(",\n");
    json.append("  \"schedule\": [");
    for (int i = 0; i < schedule.size(); i++) {
      json.append(i == 0 ? "\n" : ",\n").append("    \"").append(schedule.get(i)).append('"');
    }
    json.append("\n  ],\n  \"faults\": [");
    for (int i = 0; i < r.windows().size(); i++) {
      HistoryChecker.Window w = r.windows().get(i);
      json.append(i == 0 ? "\n" : ",\n").append("    {\"fault\": \"").append(w.fault().name()).append("\", \"at_ms\": ")
          .append(w.fault().at()).append(", \"healed_after_ms\": ").append(w.fault().healedAt() - w.fault().at())
          .append(", \"writable_again_ms\": ").append(w.writableAgainMs()).append(", \"unavailable_ms\": ").append(w.unavailableMs())
          .append(", \"unavailable_ms_by_partition\": ").append(w.gapByPartition()).append('}');
    }
    json.append("\n  ]\n}\n");
    Files.writeString(dir.resolve(version + ".json"), json);
    StringBuilder md = new StringBuilder("# Jepsen-style test (" + version + ")\n\nMachine: " + machine + ".\n\nSchedule (ms since "
        + startedAt + "):\n\n");
    schedule.forEach(s -> md.append("- ").append(s).append('\n'));
    md.append("\n| Fault | Healed after | Every partition writable again | Unavailable (longest time without an acknowledgement) "
        + "| By partition (ms, starting at ms) |\n|---|---|---|---|---|\n");
    r.windows().forEach(w -> {
      StringBuilder byPartition = new StringBuilder();
      for (int p = 0; p < w.gapByPartition().size(); p++) {
        byPartition.append(p == 0 ? "" : ", ").append(p).append(": ").append(w.gapByPartition().get(p)).append(" @ ")
            .append(w.gapStartByPartition().get(p));
      }
      md.append("| ").append(w.fault().name()).append(" | ").append(w.fault().healedAt() - w.fault().at()).append(" ms | ")
          .append(w.writableAgainMs() < 0 ? "never (" + w.unrecovered() + ")" : w.writableAgainMs() + " ms").append(" | ")
          .append(w.unavailableMs()).append(" ms | ").append(byPartition).append(" |\n");
    });
    md.append("\n```\n").append(r.describe(20)).append("```\n");
    Files.writeString(dir.resolve(version + ".md"), md);
    // The raw history, to trace an anomaly to the nodes' logs (target/cluster-test/jepsen-*.log).
    StringBuilder history = new StringBuilder("# write: value partition outcome offset sent_ms done_ms; read: consumer partition offset value\n");
    writes.stream().sorted(java.util.Comparator.comparingLong(Write::sentAt)).forEach(w -> history.append("write ").append(w.value())
        .append(' ').append(w.partition()).append(' ').append(w.outcome()).append(' ').append(w.offset()).append(' ')
        .append(w.sentAt()).append(' ').append(w.doneAt()).append(errors.containsKey(w.value()) ? " " + errors.get(w.value()) : "")
        .append('\n'));
    reads.forEach(x -> history.append("read ").append(x.consumer()).append(' ').append(x.partition()).append(' ').append(x.offset())
        .append(' ').append(x.value()).append('\n'));
    Files.writeString(dir.resolve(version + "-history.txt"), history);
  }
}
