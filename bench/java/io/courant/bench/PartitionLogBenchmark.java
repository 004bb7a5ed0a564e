package io.courant.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.Courant;
import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.node.CourantNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The partition log's benchmark, through the Java API, against the embedded Cassandra: produce
 * throughput (100-byte records, acks=all, 1 and 8 partitions), fetch throughput, append latency,
 * and the recovery time of a 1,000,000-record partition. Run by {@code bench/run partition-log}.
 *
 * <p>Each figure is the median of {@code --rounds} rounds. Results are printed, written to
 * {@code bench/results/partition-log.json} and into the partition-log section of {@code
 * docs/benchmarks.md}.
 */
public final class PartitionLogBenchmark {
  private static final int RECORD_BYTES = 100;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    Duration duration = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("seconds", "20")));
    int batchRecords = Integer.parseInt(opts.getOrDefault("batch", "160"));
    int inFlight = Integer.parseInt(opts.getOrDefault("in-flight", "32"));
    warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();

    Config config = ConfigFactory.parseString(
            "courant.cassandra.embedded.data-directory = \"target/bench-cassandra\"\n"
                + "courant.cassandra.embedded.heap = 2g\n"
                + "courant.http.port = 0\n"
                + "pekko.remote.artery.canonical.port = 0\n")
        .withFallback(ConfigFactory.load());
    boolean inMemory = opts.getOrDefault("journal", "cassandra").equals("inmem");
    if (inMemory) {
      // Diagnostic: the same path with Pekko's in-memory journal, to see what Cassandra costs.
      config = ConfigFactory.parseString("pekko.persistence.journal.plugin = \"pekko.persistence.journal.inmem\"\n"
          + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
          + "pekko.persistence.snapshot-store.local.dir = \"target/bench-snapshots\"\n"
          + "courant.topic.data-deleter = none\n").withFallback(config);
    }
    deleteRecursively(home.resolve("target/bench-cassandra"));

    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("recordBytes", RECORD_BYTES, "batchRecords", batchRecords, "inFlightPerPartition", inFlight,
        "roundSeconds", duration.toSeconds(), "rounds", rounds, "acks", "all", "warmupSeconds", warmupSeconds,
        "jitWarmupSeconds", Integer.parseInt(opts.getOrDefault("jit-warmup", "60"))));
    String recoveryTopic;
    List<Map<String, Object>> produceResults = new ArrayList<>();
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      int jitWarmup = Integer.parseInt(opts.getOrDefault("jit-warmup", "60"));
      if (jitWarmup > 0) {
        // Both JVMs (node and Cassandra) run interpreted and half-compiled code for the first minute
        // or two; measured cold, the first rounds ran at a third of the later ones. Warm both paths up
        // once, unmeasured, as JMH does.
        System.out.printf("JIT warm-up: %d s of load, not measured%n", jitWarmup);
        for (String mode : List.of("sendAll", "append")) {
          String topic = "bench-warmup-" + mode;
          await(courant.createTopic(new NewTopic(topic, 8)));
          produce(courant, mode, topic, 8, batchRecords, inFlight, Duration.ofSeconds(jitWarmup / 2));
        }
      }
      for (String mode : opts.getOrDefault("modes", "sendAll,append").split(",")) {
        for (int partitions : Arrays.stream(opts.getOrDefault("partitions", "1,8").split(",")).mapToInt(Integer::parseInt).toArray()) {
          List<Double> produce = new ArrayList<>();
          List<Double> fetch = new ArrayList<>();
          List<long[]> latencies = new ArrayList<>();
          for (int round = 1; round <= rounds; round++) {
            String topic = "bench-" + mode + "-p" + partitions + "-r" + round;
            await(courant.createTopic(new NewTopic(topic, partitions)));
            ProduceResult p = produce(courant, mode, topic, partitions, batchRecords, inFlight, duration);
            produce.add(p.recordsPerSecond());
            latencies.add(p.latencyMicros());
            fetch.add(inMemory ? 0 : fetch(courant, topic, partitions, p.perPartition()));
            System.out.printf("round %d, %s, %d partition(s): produce %,.0f records/s (%.1f MB/s), request latency p50 %d us p99 %d us; "
                    + "fetch %,.0f records/s%n", round, mode, partitions, p.recordsPerSecond(), p.recordsPerSecond() * RECORD_BYTES / 1e6,
                p.latencyMicros()[0], p.latencyMicros()[1], fetch.get(fetch.size() - 1));
          }
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("mode", mode);
          r.put("partitions", partitions);
          r.put("produceRecordsPerSecond", median(produce));
          r.put("produceMBPerSecond", median(produce) * RECORD_BYTES / 1e6);
          r.put("produceRounds", produce);
          r.put("fetchRecordsPerSecond", median(fetch));
          r.put("fetchRounds", fetch);
          r.put("requestLatencyP50Micros", median(latencies.stream().map(l -> (double) l[0]).toList()));
          r.put("requestLatencyP99Micros", median(latencies.stream().map(l -> (double) l[1]).toList()));
          produceResults.add(r);
        }
      }
      results.put("produce", produceResults);
      results.put("cassandra-ceiling", cassandraCeiling(courant, node, produceResults, rounds, duration));
      results.put("single-record-latency", singleRecordLatency(courant, rounds));
      if (inMemory) {
        System.exit(0);
      }
      recoveryTopic = "bench-recovery";
      await(courant.createTopic(new NewTopic(recoveryTopic, 1)));
      fill(courant, recoveryTopic, 1_000_000, batchRecords, inFlight);
    } finally {
      node.close();
    }
    results.put("recovery-1M-records", recovery(config, recoveryTopic, rounds));

    String json = Json.write(results);
    Path out = home.resolve("bench/results/partition-log.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, json);
    String markdown = Report.partitionLog(results);
    System.out.println(markdown);
    Report.replaceSection(home.resolve("docs/benchmarks.md"), "partition-log", markdown);
    System.out.println("Wrote " + out + " and docs/benchmarks.md");
    System.exit(0);
  }

  private static int warmupSeconds = 5;

  /** Like Kafka's ProducerPerformance: one payload of random upper-case letters, reused. */
  static byte[] payload() {
    byte[] value = new byte[RECORD_BYTES];
    Random random = new Random(1);
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) ('A' + random.nextInt(26));
    }
    return value;
  }

  static byte[] encode(List<ProducerRecord> records) {
    List<io.courant.log.internal.kafka.RecordBatches.Entry> entries = new ArrayList<>();
    for (ProducerRecord r : records) {
      entries.add(new io.courant.log.internal.kafka.RecordBatches.Entry(System.currentTimeMillis(), r.key(), r.value(), r.headers()));
    }
    java.nio.ByteBuffer b = io.courant.log.internal.kafka.RecordBatches.build(entries, "none", -1L, (short) -1, -1);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  record ProduceResult(double recordsPerSecond, long[] latencyMicros, long[] perPartition) {}

  /** Closed loop: per partition, {@code inFlight} requests of {@code batch} records outstanding. */
  static ProduceResult produce(Courant courant, String mode, String topic, int partitions, int batch, int inFlight,
      Duration duration) throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong records = new AtomicLong();
    long[] perPartition = new long[partitions];
    LatencyRecorder latency = new LatencyRecorder(1_000_000);
    CountDownLatch done = new CountDownLatch(partitions * inFlight);
    AtomicLong failures = new AtomicLong();
    byte[] value = payload();
    // Warm-up, then measure.
    long warmupEnd = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
    long[] measureStart = {0};
    long[] counted = {0};
    for (int p = 0; p < partitions; p++) {
      List<ProducerRecord> records1 = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        records1.add(new ProducerRecord(topic, p, null, null, value, List.of()));
      }
      int partition = p;
      byte[] encoded = encode(records1);
      TopicPartition tp = new TopicPartition(topic, p);
      java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> send = mode.equals("append")
          // The partition assigns offsets in the array it is given: each request gets its own copy.
          ? () -> courant.append(tp, encoded.clone(), Acks.ALL)
          : () -> courant.sendAll(records1, Acks.ALL);
      for (int w = 0; w < inFlight; w++) {
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
          if (!running.get()) {
            done.countDown();
            return;
          }
          long start = System.nanoTime();
          send.get().whenComplete((md, failure) -> {
            if (failure != null) {
              failures.incrementAndGet();
            } else {
              long now = System.nanoTime();
              if (now > warmupEnd) {
                records.addAndGet(batch);
                synchronized (perPartition) {
                  perPartition[partition] += batch;
                }
                latency.record((now - start) / 1000);
              }
            }
            loop[0].run();
          });
        };
        loop[0].run();
      }
    }
    Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
    measureStart[0] = System.nanoTime();
    long before = records.get();
    Thread.sleep(duration.toMillis());
    counted[0] = records.get() - before;
    double seconds = (System.nanoTime() - measureStart[0]) / 1e9;
    running.set(false);
    done.await(60, TimeUnit.SECONDS);
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " produce requests failed");
    }
    long[] written = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      written[p] = await(courant.latestOffset(new TopicPartition(topic, p)));
    }
    return new ProduceResult(counted[0] / seconds, latency.percentiles(0.50, 0.99), written);
  }

  /** Reads each partition from offset 0 to its end, all partitions at once; records/s. */
  static double fetch(Courant courant, String topic, int partitions, long[] ends) {
    long start = System.nanoTime();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(partitions);
    List<CompletableFuture<Long>> readers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      long end = ends[p];
      readers.add(CompletableFuture.supplyAsync(() -> {
        long offset = 0;
        long count = 0;
        while (offset < end) {
          FetchResult r = await(courant.fetch(tp, offset, 1 << 20, Duration.ZERO));
          count += r.records().size();
          offset = r.nextOffset(offset);
        }
        return count;
      }, pool));
    }
    long total = readers.stream().mapToLong(CompletableFuture::join).sum();
    pool.shutdown();
    return total / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The same Cassandra's raw CQL insert rate, for rows the size of the journal events the 8-partition
   * append rounds wrote, 8 in flight (one per partition, as the partitions write): the ceiling the
   * journal could reach on this machine in this run.
   */
  static Map<String, Object> cassandraCeiling(Courant courant, CourantNode node, List<Map<String, Object>> produced, int rounds,
      Duration duration) throws InterruptedException {
    String topic = "bench-append-p8-r1";
    io.courant.log.Partition.LogStatus status = await(courant.logStatus(new TopicPartition(topic, 0)));
    int rowBytes = (int) (status.sizeInBytes() / Math.max(1, status.journalEvents()));
    String contactPoint = node.cassandraContactPoints().get(0);
    String host = contactPoint.substring(0, contactPoint.lastIndexOf(':'));
    int port = Integer.parseInt(contactPoint.substring(contactPoint.lastIndexOf(':') + 1));
    List<Double> mb = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      mb.add(CqlBaseline.run(host, port, rowBytes, 8, (int) duration.toSeconds()));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rowBytes", rowBytes);
    r.put("inFlight", 8);
    r.put("medianMBPerSecond", median(mb));
    r.put("rounds", mb);
    return r;
  }

  /** One record at a time, acks=all: the latency of one journal write through the whole path. */
  static Map<String, Object> singleRecordLatency(Courant courant, int rounds) {
    String topic = "bench-latency";
    await(courant.createTopic(new NewTopic(topic, 1)));
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    byte[] value = payload();
    for (int round = 0; round < rounds; round++) {
      LatencyRecorder latency = new LatencyRecorder(10_000);
      for (int i = 0; i < 2_000; i++) {
        long start = System.nanoTime();
        await(courant.send(new ProducerRecord(topic, 0, null, null, value, List.of()), Acks.ALL));
        if (i >= 200) {
          latency.record((System.nanoTime() - start) / 1000);
        }
      }
      long[] p = latency.percentiles(0.50, 0.99);
      p50.add((double) p[0]);
      p99.add((double) p[1]);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("p50Micros", median(p50));
    r.put("p99Micros", median(p99));
    return r;
  }

  static void fill(Courant courant, String topic, long count, int batch, int inFlight) throws InterruptedException {
    byte[] value = new byte[RECORD_BYTES];
    List<ProducerRecord> records = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      records.add(new ProducerRecord(topic, 0, null, null, value, List.of()));
    }
    List<CompletableFuture<?>> window = new ArrayList<>();
    for (long sent = 0; sent < count; sent += batch) {
      List<ProducerRecord> chunk = count - sent >= batch ? records : records.subList(0, (int) (count - sent));
      window.add(courant.sendAll(chunk, Acks.ALL).toCompletableFuture());
      if (window.size() >= inFlight) {
        window.remove(0).join();
      }
    }
    window.forEach(CompletableFuture::join);
  }

  /** Restarts the node and times the first request to the 1M-record partition (recovery included). */
  static Map<String, Object> recovery(Config config, String topic, int rounds) {
    List<Double> millis = new ArrayList<>();
    long events = 0;
    for (int round = 0; round < rounds; round++) {
      CourantNode node = CourantNode.start(config);
      try {
        Courant courant = Courant.get(node.system());
        TopicPartition tp = new TopicPartition(topic, 0);
        await(courant.describeTopic(topic)); // the controller is up: only the partition recovers below
        long start = System.nanoTime();
        long end = await(courant.latestOffset(tp));
        millis.add((System.nanoTime() - start) / 1e6);
        if (end != 1_000_000) {
          throw new IllegalStateException("recovered log end " + end + ", expected 1000000");
        }
        events = await(courant.logStatus(tp)).journalEvents();
      } finally {
        node.close();
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("medianMillis", median(millis));
    r.put("rounds", millis);
    r.put("journalEvents", events);
    return r;
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || a.length() < 3) {
        throw new IllegalArgumentException("options are --name=value or --flag, not '" + a + "' (bench/run without arguments lists them)");
      }
      int eq = a.indexOf('=');
      opts.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    return opts;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A fixed-capacity latency sample (microseconds). */
  static final class LatencyRecorder {
    private final long[] samples;
    private int count;

    LatencyRecorder(int capacity) {
      samples = new long[capacity];
    }

    synchronized void record(long micros) {
      if (count < samples.length) {
        samples[count++] = micros;
      }
    }

    synchronized long[] percentiles(double... qs) {
      long[] sorted = Arrays.copyOf(samples, count);
      Arrays.sort(sorted);
      long[] out = new long[qs.length];
      for (int i = 0; i < qs.length; i++) {
        out[i] = count == 0 ? 0 : sorted[Math.min(count - 1, (int) Math.ceil(qs[i] * count) - 1)];
      }
      return out;
    }
  }

}
