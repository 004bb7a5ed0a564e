package io.courant.bench;

import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.node.CourantNode;
import io.courant.stream.dsl.Consumed;
import io.courant.stream.dsl.CourantStreams;
import io.courant.stream.dsl.Materialized;
import io.courant.stream.dsl.Produced;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StreamsBuilder;
import io.courant.stream.dsl.StreamsConfig;
import io.courant.stream.dsl.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * CourantStreams on a real node: records/s through a stateless {@code filter → mapValues → to}
 * topology (timed from {@code start()} until every output record is in the output topic) and
 * through {@code groupByKey().count()} (timed from {@code start()} until the application's
 * committed input offsets reach the end of the input, i.e. the counts and offsets are durable).
 * Input: 100-byte records with 1,000 distinct keys, produced before the clock starts to an
 * 8-partition topic. Run by {@code bench/run streams-dsl}; results into docs/benchmarks.md and
 * bench/results/streams-dsl.json ({@code --quick}: target/bench-quick/ only).
 */
public final class StreamsDslBenchmark {
  private static final int PARTITIONS = 8;
  private static final int KEYS = 1000;
  private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

  private StreamsDslBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    boolean quick = Boolean.parseBoolean(opts.getOrDefault("quick", "false"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long records = Long.parseLong(opts.getOrDefault("records", quick ? "20000" : "200000"));
    long warmup = Long.parseLong(opts.getOrDefault("warmup-records", quick ? "5000" : "50000"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("loadAverageAtStart", loadAverage());
    results.put("settings", Map.of("records", records, "partitions", PARTITIONS, "recordBytes", 100, "keys", KEYS,
        "rounds", rounds, "warmupRecords", warmup, "commitIntervalMs", 100));
    CourantNode node = CourantNode.start(BenchNode.freshConfig(home, ""));
    try {
      Courant courant = Courant.get(node.system());
      System.out.println("Warm-up (not measured)...");
      run(node, courant, "w", warmup, true);
      run(node, courant, "w", warmup, false);
      List<Map<String, Double>> stateless = new ArrayList<>();
      List<Map<String, Double>> count = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        // alternate which topology runs first, so that neither always meets a fresher Cassandra
        boolean statelessFirst = round % 2 == 1;
        (statelessFirst ? stateless : count).add(run(node, courant, "r" + round, records, statelessFirst));
        (statelessFirst ? count : stateless).add(run(node, courant, "r" + round, records, !statelessFirst));
      }
      results.put("stateless", summary(stateless));
      results.put("count", summary(count));
      results.put("loadAverageAtEnd", loadAverage());
    } finally {
      node.close();
    }
    String markdown = report(results);
    if (quick) {
      Path json = home.resolve("target/bench-quick/streams-dsl.json");
      Files.createDirectories(json.getParent());
      Files.writeString(json, Json.write(results));
      Files.writeString(json.resolveSibling("streams-dsl.md"), markdown);
      System.out.println(markdown);
    } else {
      Report.publish(home, "streams-dsl", results, markdown);
    }
    System.exit(0);
  }

  /** One measured run of one topology over a fresh input topic of {@code records} records. */
  private static Map<String, Double> run(CourantNode node, Courant courant, String tag, long records, boolean stateless) {
    String kind = stateless ? "stateless" : "count";
    String input = topic(courant, "dsl-" + kind + "-in-" + tag);
    String output = topic(courant, "dsl-" + kind + "-out-" + tag);
    String app = "dsl-bench-" + kind + "-" + tag;
    produce(courant, input, records);
    List<TopicPartition> inputs = partitions(input);
    List<TopicPartition> outputs = partitions(output);
    LongSupplier done = stateless ? () -> written(courant, outputs) : () -> committed(courant, app, inputs);
    CourantStreams streams = new CourantStreams(stateless ? statelessTopology(input, output) : countTopology(input, output),
        props(app), node.system());
    // a stalled machine can let the node's partition lease lapse (NotLeaderException): the thread is
    // replaced, as an application would configure it, and the replacements are counted in the results
    java.util.concurrent.atomic.AtomicInteger replaced = new java.util.concurrent.atomic.AtomicInteger();
    streams.setUncaughtExceptionHandler(e -> {
      replaced.incrementAndGet();
      return io.courant.stream.dsl.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    long start = System.nanoTime();
    long running = 0;
    streams.start();
    long deadline = start + RUN_LIMIT.toNanos();
    long progress;
    while ((progress = done.getAsLong()) < records) {
      if (running == 0 && streams.state() == CourantStreams.State.RUNNING) {
        running = System.nanoTime();
      }
      if (System.nanoTime() > deadline || streams.state() == CourantStreams.State.ERROR) {
        streams.close();
        throw new IllegalStateException(kind + ": " + progress + " of " + records + " records done within " + RUN_LIMIT
            + ", state " + streams.state());
      }
      sleep();
    }
    long end = System.nanoTime();
    if (running == 0) {
      running = end;
    }
    streams.close();
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("recordsPerSecond", records / ((end - start) / 1e9));
    r.put("secondsToRunning", (running - start) / 1e9);
    r.put("recordsPerSecondAfterRunning", records / ((end - running) / 1e9));
    r.put("threadsReplaced", (double) replaced.get());
    System.out.printf("  %s %s: %,.0f records/s from start() (%.2f s until RUNNING, then %,.0f records/s; %d thread(s) replaced)%n",
        kind, tag, r.get("recordsPerSecond"), r.get("secondsToRunning"), r.get("recordsPerSecondAfterRunning"), replaced.get());
    return r;
  }

  static Topology statelessTopology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .filter((key, value) -> value.charAt(0) != '#')
        .mapValues(value -> value.toLowerCase())
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    return builder.build();
  }

  static Topology countTopology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .count(Materialized.as("counts"))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  private static Properties props(String app) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /** Keyed 100-byte records (key "k0".."k999"), acks=all, 1,000 a batch, 16 batches in flight. */
  private static void produce(Courant courant, String topic, long count) {
    String value = new String(PartitionLogBenchmark.payload(), StandardCharsets.US_ASCII);
    List<CompletableFuture<?>> window = new ArrayList<>();
    for (long sent = 0; sent < count; sent += 1000) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (long i = sent; i < Math.min(count, sent + 1000); i++) {
        batch.add(ProducerRecord.of(topic, "k" + (i % KEYS), value));
      }
      window.add(courant.sendAll(batch, Acks.ALL).toCompletableFuture());
      if (window.size() >= 16) {
        window.remove(0).join();
      }
    }
    window.forEach(CompletableFuture::join);
  }

  private static long written(Courant courant, List<TopicPartition> outputs) {
    long sum = 0;
    for (TopicPartition tp : outputs) {
      sum += PartitionLogBenchmark.await(courant.logStatus(tp)).highWatermark();
    }
    return sum;
  }

  private static long committed(Courant courant, String app, List<TopicPartition> inputs) {
    return PartitionLogBenchmark.await(courant.committedOffsets(app, inputs)).values().stream().mapToLong(o -> o.offset()).sum();
  }

  private static List<TopicPartition> partitions(String topic) {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(new TopicPartition(topic, p));
    }
    return all;
  }

  private static String topic(Courant courant, String name) {
    PartitionLogBenchmark.await(courant.createTopic(new NewTopic(name, PARTITIONS)));
    return name;
  }

  private static void sleep() {
    try {
      Thread.sleep(20); // polling interval of the end condition, at most 20 ms added to a measured time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static Map<String, Object> summary(List<Map<String, Double>> runs) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (String key : List.of("recordsPerSecond", "secondsToRunning", "recordsPerSecondAfterRunning", "threadsReplaced")) {
      List<Double> values = runs.stream().map(r -> r.get(key)).toList();
      s.put(key, Map.of("median", PartitionLogBenchmark.median(values), "rounds", values));
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static String report(Map<String, Object> r) {
    Map<String, Object> m = (Map<String, Object>) r.get("machine");
    Map<String, Object> s = (Map<String, Object>) r.get("settings");
    StringBuilder b = new StringBuilder("### Streams DSL (`bench/run streams-dsl`)\n\n");
    b.append("Measured ").append(m.get("date")).append(" on ").append(m.get("cores")).append(" cores (").append(m.get("cpu"))
        .append("), ").append(m.get("java")).append("; Cassandra ").append(m.get("cassandra"))
        .append(". CourantStreams and the node in one JVM. Load average (1, 5, 15 min) at the start `")
        .append(r.get("loadAverageAtStart")).append("`, at the end `").append(r.get("loadAverageAtEnd"))
        .append("` — the machine is shared by several builds, so these figures are lower than on an idle machine.\n\n");
    b.append(String.format("Each run: %,d records of 100 bytes (String keys `k0`..`k999`, acks=all) produced to a fresh "
        + "8-partition input topic before the clock starts; a fresh application (`commit.interval.ms` 100, "
        + "`auto.offset.reset` earliest); records/s = records / time from `CourantStreams.start()` — which includes joining the "
        + "group (its initial rebalance delay) — until (a) stateless: the output topic's 8 high watermarks sum to the input's "
        + "record count (every output record written, acks=all), (b) count: the application's committed offsets of the 8 input "
        + "partitions sum to the input's end (so every count and input offset is persisted in the task-state journal, which is "
        + "committed before the group's offsets). Also shown: the seconds from `start()` to state RUNNING and the rate from then "
        + "on, and how many times the processing thread failed and was replaced (`REPLACE_THREAD`; e.g. when a stalled machine let "
        + "the node's partition lease lapse) — a replaced thread resumes from the last commit, so its time counts. An unmeasured warm-up run of each topology (%,d records) first; medians of %s rounds, the two topologies alternating "
        + "which goes first.%n%n", s.get("records"), s.get("warmupRecords"), s.get("rounds")));
    b.append("| Topology | Records/s from `start()` | Rounds | s to RUNNING | Records/s after RUNNING | Rounds | Threads replaced |\n"
        + "|---|---:|---|---:|---:|---|---|\n");
    for (String kind : List.of("stateless", "count")) {
      Map<String, Object> x = (Map<String, Object>) r.get(kind);
      Map<String, Object> total = (Map<String, Object>) x.get("recordsPerSecond");
      Map<String, Object> toRunning = (Map<String, Object>) x.get("secondsToRunning");
      Map<String, Object> after = (Map<String, Object>) x.get("recordsPerSecondAfterRunning");
      b.append(String.format("| %s | %,.0f | %s | %.2f | %,.0f | %s | %s |%n",
          kind.equals("stateless") ? "(a) `filter → mapValues → to`" : "(b) `groupByKey().count()` (1,000 keys)",
          (Double) total.get("median"), rounds((List<Double>) total.get("rounds")), (Double) toRunning.get("median"),
          (Double) after.get("median"), rounds((List<Double>) after.get("rounds")),
          rounds((List<Double>) ((Map<String, Object>) x.get("threadsReplaced")).get("rounds"))));
    }
    return b.toString();
  }

  private static String rounds(List<Double> values) {
    return String.join(", ", values.stream().map(v -> String.format("%,.0f", v)).toList());
  }
}
