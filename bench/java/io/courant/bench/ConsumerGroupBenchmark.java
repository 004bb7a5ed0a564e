package io.courant.bench;

import com.typesafe.config.Config;
import io.courant.client.ConsumerRebalanceListener;
import io.courant.client.ConsumerSettings;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.node.CourantNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer groups through {@link CourantConsumer}: a group of 1, 2 and 4 consumers (each on its
 * own thread) reads a topic of 8 partitions of 100-byte records to the end; as Kafka's {@code
 * ConsumerPerformance}, the rate counts from the moment every member holds its assignment to the
 * last record, and the time to form the group is reported beside it. Also the time a rebalance
 * takes when a member joins a group that is reading. Run by {@code bench/run consumer-groups};
 * results into docs/benchmarks.md and bench/results/consumer-groups.json.
 */
public final class ConsumerGroupBenchmark {
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long records = Long.parseLong(opts.getOrDefault("records", "8000000"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Config config = BenchNode.freshConfig(home, "");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("records", records, "partitions", 8, "recordBytes", 100, "rounds", rounds,
        "maxPollRecords", 10000, "maxPartitionFetchBytes", 1048576));
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      String topic = "bench-consume";
      await(courant.createTopic(new NewTopic(topic, 8)));
      System.out.printf("Writing %,d records to 8 partitions...%n", records);
      for (int p = 0; p < 8; p++) {
        fillPartition(courant, topic, p, records / 8);
      }
      System.out.println("Warm-up: one consumer reads the topic once (not measured)...");
      readAll(node, topic, "bench-warmup", 1, records);
      List<Map<String, Object>> groups = new ArrayList<>();
      for (int consumers : new int[] {1, 2, 4}) {
        List<Double> rates = new ArrayList<>();
        List<Double> joins = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          Read read = readAll(node, topic, "bench-g" + consumers + "-r" + round, consumers, records);
          rates.add(read.recordsPerSecond());
          joins.add(read.joinMillis());
          System.out.printf("round %d, %d consumer(s): %,.0f records/s (group formed in %.0f ms)%n", round, consumers,
              read.recordsPerSecond(), read.joinMillis());
        }
        groups.add(Map.of("consumers", consumers, "medianRecordsPerSecond", PartitionLogBenchmark.median(rates), "rounds", rates,
            "medianJoinMillis", PartitionLogBenchmark.median(joins)));
      }
      results.put("consume", groups);
      List<Double> rebalances = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double ms = rebalanceMillis(node, topic, "bench-rebalance-r" + round);
        rebalances.add(ms);
        System.out.printf("round %d: a member joining a group of 2 - rebalance done in %.0f ms%n", round, ms);
      }
      results.put("rebalance", Map.of("medianMillis", PartitionLogBenchmark.median(rebalances), "rounds", rebalances));
    } finally {
      node.close();
    }
    Report.publish(home, "consumer-groups", results, Report.consumerGroups(results));
    System.exit(0);
  }



  private static void fillPartition(Courant courant, String topic, int partition, long count) throws Exception {
    List<io.courant.client.ProducerRecord> batch = new ArrayList<>();
    byte[] value = PartitionLogBenchmark.payload();
    for (int i = 0; i < 160; i++) {
      batch.add(new io.courant.client.ProducerRecord(topic, partition, null, null, value, List.of()));
    }
    List<java.util.concurrent.CompletableFuture<?>> window = new ArrayList<>();
    for (long sent = 0; sent < count; sent += 160) {
      window.add(courant.sendAll(batch, io.courant.log.Partition.Acks.ALL).toCompletableFuture());
      if (window.size() >= 32) {
        window.remove(0).join();
      }
    }
    window.forEach(java.util.concurrent.CompletableFuture::join);
  }

  private static ConsumerSettings settings(String group) {
    return ConsumerSettings.create(group).with("auto.offset.reset", "earliest").with("max.poll.records", 10000)
        .with("heartbeat.interval.ms", 500).with("session.timeout.ms", 10000);
  }

  /** How a group read the topic: records/s from the moment all members held partitions, and the time to get there. */
  private record Read(double recordsPerSecond, double joinMillis) {}

  /** A group of {@code consumers} reads the topic to its end. */
  private static Read readAll(CourantNode node, String topic, String group, int consumers, long total) throws Exception {
    AtomicLong read = new AtomicLong();
    AtomicLong lastAssigned = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(consumers);
    long start = System.nanoTime();
    List<Future<?>> loops = new ArrayList<>();
    ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

      @Override
      public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          lastAssigned.accumulateAndGet(System.nanoTime(), Math::max);
        }
      }
    };
    for (int i = 0; i < consumers; i++) {
      loops.add(threads.submit(() -> {
        try (CourantConsumer c = new CourantConsumer(node.system(), settings(group))) {
          c.subscribe(List.of(topic), listener);
          long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
          while (read.get() < total && System.nanoTime() < deadline) {
            read.addAndGet(c.poll(Duration.ofMillis(200)).size());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : loops) {
      f.get(6, TimeUnit.MINUTES);
    }
    long end = System.nanoTime();
    threads.shutdown();
    if (read.get() < total) {
      throw new IllegalStateException("group " + group + " read " + read.get() + " of " + total + " records");
    }
    return new Read(read.get() / ((end - lastAssigned.get()) / 1e9), (lastAssigned.get() - start) / 1e6);
  }

  /** Two members read; a third joins; time from its subscribe until all three hold partitions. */
  private static double rebalanceMillis(CourantNode node, String topic, String group) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(3);
    List<CourantConsumer> consumers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      for (int i = 0; i < 2; i++) {
        CourantConsumer c = new CourantConsumer(node.system(), settings(group).with("heartbeat.interval.ms", 100));
        consumers.add(c);
        threads.submit(() -> loop(c, topic, stop));
      }
      waitUntil(() -> consumers.stream().allMatch(c -> c.assignment().size() == 4));
      CourantConsumer third = new CourantConsumer(node.system(), settings(group).with("heartbeat.interval.ms", 100));
      consumers.add(third);
      long start = System.nanoTime();
      threads.submit(() -> loop(third, topic, stop));
      waitUntil(() -> consumers.stream().allMatch(c -> c.assignment().size() >= 2)
          && consumers.stream().mapToInt(c -> c.assignment().size()).sum() == 8);
      return (System.nanoTime() - start) / 1e6;
    } finally {
      stop.set(true);
      threads.shutdown();
      threads.awaitTermination(60, TimeUnit.SECONDS);
    }
  }

  private static Void loop(CourantConsumer c, String topic, java.util.concurrent.atomic.AtomicBoolean stop) {
    try (c) {
      c.subscribe(List.of(topic));
      while (!stop.get()) {
        c.poll(Duration.ofMillis(50));
      }
    }
    return null;
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("condition not reached in 60 s");
      }
      Thread.sleep(5);
    }
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    return PartitionLogBenchmark.await(stage);
  }
}
