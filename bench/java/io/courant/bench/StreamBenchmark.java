package io.courant.bench;

import com.typesafe.config.Config;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.node.CourantNode;
import io.courant.stream.CommitterSettings;
import io.courant.stream.Committer;
import io.courant.stream.Consumer;
import io.courant.stream.ConsumerMessage;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.Producer;
import io.courant.stream.ProducerRecord;
import io.courant.stream.ProducerSettings;
import io.courant.stream.Subscriptions;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.ByteArraySerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The Pekko Streams stages: produce throughput of {@code Producer.plainSink} (100-byte unkeyed
 * records, 8 partitions, the default batch.size / linger.ms), and consume throughput of {@code
 * Consumer.plainSource} (manual assignment) and of {@code committableSource} + {@code
 * Committer.sink} (group-managed; timed from the first record, so the group's initial rebalance
 * delay is not counted). Run by {@code bench/run stream}; results into docs/benchmarks.md and
 * bench/results/stream.json.
 */
public final class StreamBenchmark {
  private static final int PARTITIONS = 8;
  /** This JVM's CPU µs per record of each measured run, by what ran (warm-up runs not kept). */
  private static final Map<String, List<Double>> CPU = new LinkedHashMap<>();
  private static boolean measuring;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long records = Long.parseLong(opts.getOrDefault("records", "5000000"));
    long warmup = Long.parseLong(opts.getOrDefault("warmup-records", "1000000"));
    int jitWarmupSeconds = Integer.parseInt(opts.getOrDefault("jit-warmup", "90"));
    boolean writeReport = !opts.getOrDefault("report", "true").equals("false");
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Config config = BenchNode.freshConfig(home, "");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("records", records, "partitions", PARTITIONS, "recordBytes", 100, "rounds", rounds,
        "warmupRecords", warmup, "jitWarmupSeconds", jitWarmupSeconds, "maxPollRecords", 10000));
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      // Warm both JVMs (this one and Cassandra's) on the very paths measured, for a while: a cold
      // JVM measures a third of a warm one, and it warms unevenly round after round.
      long warmupEnd = System.nanoTime() + Duration.ofSeconds(jitWarmupSeconds).toNanos();
      for (int w = 1; w == 1 || System.nanoTime() < warmupEnd; w++) {
        System.out.printf("Warm-up %d (not measured, at least %d s in all)...%n", w, jitWarmupSeconds);
        String api = topic(courant, "bench-api-warmup-" + w);
        String stage = topic(courant, "bench-stream-warmup-" + w);
        produceJavaApi(courant, api, warmup);
        produce(node, stage, warmup);
        consumeJavaApi(node, api, warmup);
        consumePlain(node, stage, warmup);
      }
      measuring = true;
      List<Double> produce = new ArrayList<>();
      List<Double> produceDefaults = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> committable = new ArrayList<>();
      List<Double> apiProduce = new ArrayList<>();
      List<Double> apiConsume = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        // The Java API the stages wrap, in the same round (sendAll of batches like the stage's, and
        // CourantConsumer.poll), interleaved with the stages: API first in odd rounds, stage first in
        // even ones, so that neither side always runs on a fresher or a more fragmented Cassandra.
        String baseline = topic(courant, "bench-api-r" + round);
        String topic = topic(courant, "bench-stream-r" + round);
        if (round % 2 == 1) {
          apiProduce.add(produceJavaApi(courant, baseline, records));
          produce.add(produce(node, topic, records));
          apiConsume.add(consumeJavaApi(node, baseline, records));
          plain.add(consumePlain(node, topic, records));
        } else {
          produce.add(produce(node, topic, records));
          apiProduce.add(produceJavaApi(courant, baseline, records));
          plain.add(consumePlain(node, topic, records));
          apiConsume.add(consumeJavaApi(node, baseline, records));
        }
        System.out.printf("  records per stored batch: plainSink %.1f, Java API %.1f%n", recordsPerBatch(courant, topic),
            recordsPerBatch(courant, baseline));
        produceDefaults.add(produce(node, topic(courant, "bench-stream-d" + round), records, false));
        committable.add(consumeCommittable(node, topic, "bench-stream-g" + round, records));
        System.out.printf("round %d: produce %,.0f records/s (Java API %,.0f), plainSource %,.0f records/s (Java API %,.0f), "
                + "committableSource+Committer %,.0f records/s%n", round, produce.get(round - 1), apiProduce.get(round - 1),
            plain.get(round - 1), apiConsume.get(round - 1), committable.get(round - 1));
      }
      Map<String, Double> cpu = new LinkedHashMap<>();
      CPU.forEach((what, values) -> cpu.put(what, PartitionLogBenchmark.median(values)));
      results.put("cpuMicrosPerRecord", cpu);
      results.put("produceRatios", ratios(produce, apiProduce));
      results.put("produceDefaultsRatios", ratios(produceDefaults, apiProduce));
      results.put("produceDefaults", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(produceDefaults), "rounds", produceDefaults));
      results.put("plainSourceRatios", ratios(plain, apiConsume));
      results.put("javaApiProduce", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(apiProduce), "rounds", apiProduce));
      results.put("javaApiConsume", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(apiConsume), "rounds", apiConsume));
      results.put("produce", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(produce), "rounds", produce));
      results.put("plainSource", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(plain), "rounds", plain));
      results.put("committableSource", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(committable), "rounds", committable));
    } finally {
      node.close();
    }
    String markdown = Report.stream(results);
    System.out.println(markdown);
    if (writeReport) {
      Path out = home.resolve("bench/results/stream.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, Json.write(results));
      Report.replaceSection(home.resolve("docs/benchmarks.md"), "stream", markdown);
    }
    System.exit(0);
  }

  /** Records per stored batch in the first 4 MiB of partition 0 (how well the producer batched). */
  private static double recordsPerBatch(Courant courant, String topic) {
    var stored = PartitionLogBenchmark.await(courant.fetchBatches(new io.courant.client.TopicPartition(topic, 0), 0, 4 << 20, 1,
        Duration.ZERO));
    long batches = 0;
    long recordsRead = 0;
    for (var batch : org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(java.nio.ByteBuffer.wrap(stored.batches()))
        .batches()) {
      batches++;
      recordsRead += batch.nextOffset() - batch.baseOffset();
    }
    long events = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      events += PartitionLogBenchmark.await(courant.logStatus(new io.courant.client.TopicPartition(topic, p))).journalEvents();
    }
    System.out.printf("  %s: %,d journal events in its %d partitions%n", topic, events, PARTITIONS);
    return batches == 0 ? 0 : (double) recordsRead / batches;
  }

  /** Prints and (when measuring) keeps this JVM's CPU per record since {@code cpuBefore}. */
  private static void cpu(String key, String label, long cpuBefore, long count) {
    double micros = (cpuNanos() - cpuBefore) / 1e3 / count;
    System.out.printf("  %s: %.2f µs of this JVM's CPU per record%n", label, micros);
    if (measuring) {
      CPU.computeIfAbsent(key, k -> new ArrayList<>()).add(micros);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Per round, stage / Java API. */
  private static List<Double> ratios(List<Double> stage, List<Double> api) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < stage.size(); i++) {
      out.add(stage.get(i) / api.get(i));
    }
    return out;
  }

  private static String topic(Courant courant, String name) {
    PartitionLogBenchmark.await(courant.createTopic(new NewTopic(name, PARTITIONS)));
    return name;
  }

  /** Records/s of Producer.plainSink writing {@code count} records. */
  private static double produce(CourantNode node, String topic, long count) {
    return produce(node, topic, count, true);
  }

  /**
   * Records/s of Producer.plainSink writing {@code count} records; {@code sameBoundAsApi}: 64
   * batches in flight however they fall on partitions, as the Java API loop has (else the stage's
   * default: also at most 5 per partition).
   */
  private static double produce(CourantNode node, String topic, long count, boolean sameBoundAsApi) {
    ProducerSettings<byte[], byte[]> defaults = ProducerSettings.create(node.system(), new ByteArraySerializer(), new ByteArraySerializer());
    ProducerSettings<byte[], byte[]> settings = sameBoundAsApi
        ? defaults.withMaxBatchesInFlight(64).withProperty("max.in.flight.requests.per.connection", "64") : defaults;
    byte[] value = PartitionLogBenchmark.payload();
    long start = System.nanoTime();
    long cpu = cpuNanos();
    PartitionLogBenchmark.await(Source.range(1, Math.toIntExact(count))
        .map(i -> ProducerRecord.<byte[], byte[]>of(topic, value))
        .runWith(Producer.plainSink(settings), node.system()));
    cpu(sameBoundAsApi ? "produce" : "produceDefaults", "plainSink", cpu, count);
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Records/s of Courant.sendAll: unkeyed batches of 145 records (~16 KiB, the stage's batch.size),
   * 64 in flight. Each batch is a new list of new records, as an application sending distinct
   * records builds them (the stage's source makes one record object per record too).
   */
  private static double produceJavaApi(Courant courant, String topic, long count) {
    byte[] value = PartitionLogBenchmark.payload();
    int batchSize = 145;
    long start = System.nanoTime();
    long cpu = cpuNanos();
    List<java.util.concurrent.CompletableFuture<?>> window = new ArrayList<>();
    for (long sent = 0; sent < count; sent += batchSize) {
      int n = (int) Math.min(batchSize, count - sent);
      List<io.courant.client.ProducerRecord> chunk = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        chunk.add(new io.courant.client.ProducerRecord(topic, null, null, null, value, List.of()));
      }
      window.add(courant.sendAll(chunk, io.courant.log.Partition.Acks.ALL).toCompletableFuture());
      if (window.size() >= 64) {
        window.remove(0).join();
      }
    }
    window.forEach(java.util.concurrent.CompletableFuture::join);
    cpu("javaApiProduce", "Java API sendAll", cpu, count);
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** Records/s of CourantConsumer (the 8 partitions assigned, max.poll.records=10000) reading to the end. */
  private static double consumeJavaApi(CourantNode node, String topic, long count) {
    List<io.courant.client.TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(new io.courant.client.TopicPartition(topic, p));
    }
    try (var consumer = new io.courant.client.CourantConsumer(node.system(), io.courant.client.ConsumerSettings.create("")
        .with("auto.offset.reset", "earliest").with("max.poll.records", 10000))) {
      consumer.assign(all);
      long start = System.nanoTime();
      long cpu = cpuNanos();
      long read = 0;
      long deadline = start + Duration.ofMinutes(10).toNanos();
      while (read < count && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(200)).size();
      }
      double rate = read / ((System.nanoTime() - start) / 1e9);
      cpu("javaApiConsume", "Java API CourantConsumer", cpu, read);
      return rate;
    }
  }

  private static ConsumerSettings<byte[], byte[]> consumerSettings(CourantNode node) {
    return ConsumerSettings.create(node.system(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .withProperty("auto.offset.reset", "earliest").withProperty("max.poll.records", "10000");
  }

  /** Records/s of Consumer.plainSource reading the topic's 8 partitions (manual assignment) to the end. */
  private static double consumePlain(CourantNode node, String topic, long count) throws Exception {
    Set<TopicPartition> all = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(new TopicPartition(topic, p));
    }
    long start = System.nanoTime();
    long cpu = cpuNanos();
    var run = Consumer.plainSource(consumerSettings(node), Subscriptions.assignment(all))
        .take(count)
        .toMat(Sink.ignore(), Keep.both())
        .run(node.system());
    run.second().toCompletableFuture().get(10, TimeUnit.MINUTES);
    double rate = count / ((System.nanoTime() - start) / 1e9);
    cpu("plainSource", "plainSource", cpu, count);
    PartitionLogBenchmark.await(run.first().isShutdown());
    return rate;
  }

  /** Records/s of committableSource + Committer.sink in a group, from the first record to the last. */
  private static double consumeCommittable(CourantNode node, String topic, String group, long count) throws Exception {
    AtomicLong read = new AtomicLong();
    AtomicLong firstNanos = new AtomicLong();
    Consumer.DrainingControl<Done> control = Consumer.committableSource(consumerSettings(node).withGroupId(group), Subscriptions.topics(topic))
        .map(msg -> {
          if (read.incrementAndGet() == 1) {
            firstNanos.set(System.nanoTime());
          }
          return (ConsumerMessage.Committable) msg.committableOffset();
        })
        .toMat(Committer.sink(CommitterSettings.create(node.system())), Consumer::createDrainingControl)
        .run(node.system());
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (read.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("read " + read.get() + " of " + count + " records in 10 minutes");
      }
      Thread.sleep(2);
    }
    double rate = count / ((System.nanoTime() - firstNanos.get()) / 1e9);
    control.drainAndShutdown(node.system().executionContext()).toCompletableFuture().get(2, TimeUnit.MINUTES);
    return rate;
  }
}
