package io.courant.bench;

import com.typesafe.config.Config;
import io.courant.node.CourantNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Courant next to Apache Kafka on the same machine, in the same run: a single-node Kafka (KRaft,
 * {@link KafkaBroker}) and a Courant node (embedded Cassandra, in this JVM) both up, and Kafka's own
 * ProducerPerformance, ConsumerPerformance and EndToEndLatency run with the same arguments against
 * each, interleaved (Courant, Kafka, Courant, Kafka, ...). Medians per figure and the ratio
 * Courant / Kafka go to docs/benchmarks.md, bench/results/kafka-compare.json and a chart; with
 * {@code --quick} (tiny numbers, a smoke run) to target/bench-quick/ instead.
 */
public final class KafkaCompareBenchmark {
  static final List<String> SYSTEMS = List.of("Courant", "Kafka");
  private static final String[] TOOLS = {"producerPerformance", "consumerPerformance", "endToEndLatency"};
  /** The report's rows: tool, figure, the tool's name, the figure's label, its format. */
  private static final String[][] ROWS = {
      {"producerPerformance", "recordsPerSecond", "ProducerPerformance", "records/s", "%,.0f"},
      {"producerPerformance", "mbPerSecond", "ProducerPerformance", "MB/s", "%.1f"},
      {"producerPerformance", "p50Ms", "ProducerPerformance", "send latency p50 ms", "%.0f"},
      {"producerPerformance", "p99Ms", "ProducerPerformance", "send latency p99 ms", "%.0f"},
      {"producerPerformance", "p999Ms", "ProducerPerformance", "send latency p99.9 ms", "%.0f"},
      {"consumerPerformance", "recordsPerSecond", "ConsumerPerformance", "records/s", "%,.0f"},
      {"consumerPerformance", "mbPerSecond", "ConsumerPerformance", "MB/s", "%.1f"},
      {"consumerPerformance", "rebalanceMs", "ConsumerPerformance", "time to join the group ms", "%,.0f"},
      {"endToEndLatency", "p50Ms", "EndToEndLatency", "p50 ms", "%.0f"},
      {"endToEndLatency", "p99Ms", "EndToEndLatency", "p99 ms", "%.0f"},
      {"endToEndLatency", "p999Ms", "EndToEndLatency", "p99.9 ms", "%.0f"},
      {"endToEndLatency", "avgMs", "EndToEndLatency", "average ms", "%.2f"},
      {"producerPerformance", "serverCpuMsPer1000Records", "ProducerPerformance", "server CPU ms per 1,000 records", "%.1f"},
      {"consumerPerformance", "serverCpuMsPer1000Records", "ConsumerPerformance", "server CPU ms per 1,000 records", "%.1f"}};

  private KafkaCompareBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    int status = 0;
    try {
      run(home, opts);
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** Runs the comparison; returns the results also written as JSON. */
  static Map<String, Object> run(Path home, Map<String, String> opts) throws Exception {
    boolean quick = Boolean.parseBoolean(opts.getOrDefault("quick", "false"));
    Settings s = new Settings(
        Integer.parseInt(opts.getOrDefault("rounds", quick ? "2" : "3")),
        Long.parseLong(opts.getOrDefault("records", quick ? "20000" : "2000000")),
        Long.parseLong(opts.getOrDefault("warmup-records", quick ? "0" : "1000000")),
        Integer.parseInt(opts.getOrDefault("record-size", "100")),
        Integer.parseInt(opts.getOrDefault("partitions", "8")),
        opts.getOrDefault("acks", "all"),
        Integer.parseInt(opts.getOrDefault("latency-records", quick ? "200" : "2000")),
        quick);
    if (!s.acks.equals("1") && !s.acks.equals("all")) {
      throw new IllegalArgumentException("--acks must be 1 or all (EndToEndLatency accepts no other), not " + s.acks);
    }
    Path out = quick ? home.resolve("target/bench-quick") : home;
    Progress progress = new Progress("kafka-compare");
    progress.say("resolving Kafka " + KafkaTools.KAFKA_VERSION + "'s classpath (bench/kafka-tools/pom.xml)");
    String classpath = KafkaTools.classpath(home);
    Config config = BenchNode.freshConfig(home, "");
    Map<String, String> bootstrap = new LinkedHashMap<>();
    Map<String, Map<String, List<Map<String, Object>>>> rounds = new LinkedHashMap<>();
    Resources resources = new Resources();
    Thread hook = new Thread(resources::close, "kafka-compare-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", s.describe());
    results.put("durability", durability(s));
    try {
      progress.say("starting a Courant node (embedded Cassandra)");
      resources.node = CourantNode.start(config);
      bootstrap.put("Courant", "127.0.0.1:" + resources.node.kafkaPort());
      progress.say("starting Apache Kafka " + KafkaTools.KAFKA_VERSION + " (KRaft, one node)");
      resources.kafka = KafkaBroker.start(classpath, home.resolve("target/kafka-compare"));
      bootstrap.put("Kafka", resources.kafka.bootstrap());
      Map<String, Map<String, Long>> servers = Map.of(
          "Courant", Map.of("node", ProcessHandle.current().pid(), "cassandra", cassandraPid(home)),
          "Kafka", Map.of("broker", resources.kafka.pid()));
      for (String system : SYSTEMS) {
        Map<String, List<Map<String, Object>>> bySystem = new LinkedHashMap<>();
        for (String tool : TOOLS) {
          bySystem.put(tool, new ArrayList<>());
        }
        rounds.put(system, bySystem);
      }
      int steps = SYSTEMS.size() * (s.rounds * 3 + (s.warmupRecords > 0 ? 2 : 0));
      progress.total(steps);
      if (s.warmupRecords > 0) {
        for (String system : SYSTEMS) {
          String topic = "compare-warmup";
          createTopic(bootstrap.get(system), topic, s.partitions);
          progress.step(system + " warm-up: ProducerPerformance, " + s.warmupRecords + " records (not measured)");
          KafkaTools.run(classpath, 1800, KafkaTools.PRODUCER_PERFORMANCE, producerArgs(s, bootstrap.get(system), topic, s.warmupRecords));
          progress.step(system + " warm-up: ConsumerPerformance (not measured)");
          KafkaTools.run(classpath, 1800, KafkaTools.CONSUMER_PERFORMANCE, consumerArgs(bootstrap.get(system), topic, s.warmupRecords, "warmup"));
        }
      }
      for (int round = 1; round <= s.rounds; round++) {
        for (String system : SYSTEMS) {
          Map<String, List<Map<String, Object>>> r = rounds.get(system);
          String topic = "compare-" + round;
          String latencyTopic = "compare-latency-" + round;
          String group = "compare-" + round;
          createTopic(bootstrap.get(system), topic, s.partitions);
          createTopic(bootstrap.get(system), latencyTopic, 1);
          String where = "round " + round + "/" + s.rounds + " " + system + ": ";
          progress.step(where + "ProducerPerformance");
          r.get("producerPerformance").add(measured(servers, system, () -> KafkaTools.producerResult(KafkaTools.run(classpath, 1800,
              KafkaTools.PRODUCER_PERFORMANCE, producerArgs(s, bootstrap.get(system), topic, s.records)))));
          progress.detail(r.get("producerPerformance").get(round - 1));
          progress.step(where + "ConsumerPerformance");
          r.get("consumerPerformance").add(measured(servers, system, () -> KafkaTools.consumerResult(KafkaTools.run(classpath, 1800,
              KafkaTools.CONSUMER_PERFORMANCE, consumerArgs(bootstrap.get(system), topic, s.records, group)))));
          progress.detail(r.get("consumerPerformance").get(round - 1));
          progress.step(where + "EndToEndLatency");
          r.get("endToEndLatency").add(measured(servers, system, () -> KafkaTools.latencyResult(KafkaTools.run(classpath, 1800,
              KafkaTools.END_TO_END_LATENCY, List.of("--bootstrap-server", bootstrap.get(system), "--topic", latencyTopic,
                  "--num-records", Integer.toString(s.latencyRecords), "--producer-acks", s.acks, "--record-size",
                  Integer.toString(s.recordBytes))))));
          progress.detail(r.get("endToEndLatency").get(round - 1));
        }
      }
    } finally {
      progress.say("stopping Apache Kafka and the Courant node");
      resources.close();
      BenchNode.removeShutdownHook(hook);
    }
    results.put("rounds", rounds);
    results.put("medians", medians(rounds));
    Path json = out.resolve(quick ? "kafka-compare.json" : "bench/results/kafka-compare.json");
    Files.createDirectories(json.getParent());
    Files.writeString(json, Json.write(results));
    Path chart = out.resolve(quick ? "kafka-compare.png" : "docs/benchmarks-kafka-compare.png");
    Charts.kafkaCompare(results, chart);
    String markdown = report(results, home.resolve("docs").relativize(chart).toString().replace('\\', '/'));
    System.out.println(markdown);
    if (quick) {
      Files.writeString(out.resolve("kafka-compare.md"), markdown);
    } else {
      Report.replaceSection(home.resolve("docs/benchmarks.md"), "kafka-compare", markdown);
    }
    progress.say("done: " + json + ", " + chart + (quick ? "" : ", docs/benchmarks.md"));
    return results;
  }

  interface Tool {
    Map<String, Object> run() throws Exception;
  }

  /**
   * Runs a tool and adds to its figures the CPU time the serving processes used meanwhile: the
   * Courant node's JVM (this one) and its Cassandra, or Kafka's broker. CPU seconds do not depend
   * on what else shares the machine, as wall-clock rates do.
   */
  static Map<String, Object> measured(Map<String, Map<String, Long>> servers, String system, Tool tool) throws Exception {
    Map<String, Long> pids = servers.get(system);
    Map<String, Double> before = new LinkedHashMap<>();
    pids.forEach((name, pid) -> before.put(name, cpuSeconds(pid)));
    Map<String, Object> result = new LinkedHashMap<>(tool.run());
    double total = 0;
    for (Map.Entry<String, Long> e : pids.entrySet()) {
      double used = cpuSeconds(e.getValue()) - before.get(e.getKey());
      result.put(e.getKey() + "CpuSeconds", used);
      total += used;
    }
    result.put("serverCpuSeconds", total);
    Object records = result.get("records");
    if (records instanceof Long n && n > 0) {
      result.put("serverCpuMsPer1000Records", total * 1e6 / n);
    }
    return result;
  }

  private static double cpuSeconds(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9)
        .orElseThrow(() -> new IllegalStateException("cannot read the CPU time of process " + pid));
  }

  /** The embedded Cassandra's pid, from the pid file it writes into its data directory. */
  private static long cassandraPid(Path home) throws java.io.IOException {
    return Long.parseLong(Files.readString(home.resolve("target/bench-cassandra/cassandra.pid")).trim().split("\\s+")[0]);
  }

  static List<String> producerArgs(Settings s, String bootstrap, String topic, long records) {
    return List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records), "--record-size",
        Integer.toString(s.recordBytes), "--throughput", "-1", "--command-property", "acks=" + s.acks);
  }

  static List<String> consumerArgs(String bootstrap, String topic, long records, String group) {
    return List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records), "--timeout", "60000",
        "--group", "bench-" + group);
  }

  private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** What each side guarantees once a record is acknowledged, stated with the figures. */
  private static Map<String, String> durability(Settings s) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("Courant", "replication 1 (Cassandra RF 1, consistency QUORUM = 1 replica); acks=" + s.acks
        + " answers when Cassandra acknowledged the journal write; Cassandra's commit log is fsynced every 10 s "
        + "(commitlog_sync: periodic, 10000 ms)");
    d.put("Kafka", "replication 1 (replication.factor 1, min.insync.replicas 1); acks=" + s.acks
        + " answers when the leader appended to its log in the page cache; no fsync per write "
        + "(log.flush.interval.messages / .ms unset: the OS flushes)");
    return d;
  }

  /** Median per system, tool and figure; and the ratio Courant / Kafka of each. */
  static Map<String, Object> medians(Map<String, Map<String, List<Map<String, Object>>>> rounds) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String tool : TOOLS) {
      Map<String, Object> figures = new LinkedHashMap<>();
      for (String figure : rounds.get("Courant").get(tool).get(0).keySet()) {
        if (!rounds.get("Kafka").get(tool).get(0).containsKey(figure)) {
          continue; // Courant's CPU by process: in cpuSplit
        }
        Map<String, Object> f = new LinkedHashMap<>();
        for (String system : SYSTEMS) {
          f.put(system, PartitionLogBenchmark.median(rounds.get(system).get(tool).stream().map(r -> ((Number) r.get(figure)).doubleValue()).toList()));
        }
        double kafka = (Double) f.get("Kafka");
        f.put("ratio", kafka == 0 ? Double.NaN : (Double) f.get("Courant") / kafka);
        figures.put(figure, f);
      }
      out.put(tool, figures);
    }
    Map<String, Object> split = new LinkedHashMap<>();
    for (String tool : TOOLS) {
      Map<String, Double> parts = new LinkedHashMap<>();
      for (String part : List.of("node", "cassandra")) {
        parts.put(part, PartitionLogBenchmark.median(rounds.get("Courant").get(tool).stream()
            .map(r -> ((Number) r.get(part + "CpuSeconds")).doubleValue()).toList()));
      }
      split.put(tool, parts);
    }
    out.put("courantCpuSecondsByProcess", split);
    return out;
  }

  @SuppressWarnings("unchecked")
  static String report(Map<String, Object> r, String chart) {
    Map<String, Object> m = (Map<String, Object>) r.get("machine");
    Map<String, Object> s = (Map<String, Object>) r.get("settings");
    Map<String, String> d = (Map<String, String>) r.get("durability");
    Map<String, Map<String, Map<String, Object>>> med = (Map<String, Map<String, Map<String, Object>>>) r.get("medians");
    StringBuilder b = new StringBuilder("### Courant next to Apache Kafka, Kafka's own tools (`bench/run kafka-compare`)\n\n");
    b.append("Measured ").append(m.get("date")).append(" on ").append(m.get("cores")).append(" cores (").append(m.get("cpu"))
        .append("), ").append(m.get("memoryGiB")).append(" GiB, ").append(m.get("java")).append(". Apache Kafka ")
        .append(KafkaTools.KAFKA_VERSION).append(" (KRaft, broker and controller in one JVM, 1 GiB heap, Maven Central jars) and a "
            + "Courant node (its JVM, 4 GiB heap, plus the embedded Cassandra's JVM, 2 GiB heap) both up for the whole run on "
            + "127.0.0.1; each tool of kafka-tools ").append(KafkaTools.KAFKA_VERSION).append(" in its own JVM (1 GiB heap). "
            + "The machine is shared: other builds may have run between the measurements.\n\n");
    b.append(String.format("Same arguments on both sides: ProducerPerformance `--num-records %,d --record-size %s --throughput -1 "
            + "--command-property acks=%s` (otherwise the producer's defaults: idempotent, `linger.ms` 5, `batch.size` 16384) on a "
            + "new topic of %s partitions; ConsumerPerformance `--num-records %,d` reading that topic in a new group (records/s and "
            + "MB/s are its `fetch.*` figures, without the time to join the group); EndToEndLatency `--num-records %,d "
            + "--producer-acks %s --record-size %s` on a new 1-partition topic. Interleaved: each round runs the three tools on "
            + "Courant, then on Kafka; %s rounds%s; the medians are shown, every round is in `bench/results/kafka-compare.json`.%n%n",
        s.get("records"), s.get("recordBytes"), s.get("acks"), s.get("partitions"), s.get("records"), s.get("latencyRecords"),
        s.get("acks"), s.get("recordBytes"), s.get("rounds"), ((Number) s.get("warmupRecords")).longValue() > 0
            ? String.format(" after an unmeasured warm-up (ProducerPerformance and ConsumerPerformance, %,d records) on each side",
                ((Number) s.get("warmupRecords")).longValue()) : ""));
    b.append("Durability: **Courant** — ").append(d.get("Courant")).append(". **Kafka** — ").append(d.get("Kafka")).append(".\n\n");
    b.append("| Tool | Figure | Courant | Kafka | Courant / Kafka |\n|---|---|---:|---:|---:|\n");
    for (String[] row : ROWS) {
      row(b, med, row[0], row[1], row[2], row[3], row[4]);
    }
    Map<String, Map<String, Double>> split = (Map<String, Map<String, Double>>) (Object) med.get("courantCpuSecondsByProcess");
    b.append(String.format("%nA ratio above 1 means Courant is faster for records/s and MB/s, slower for latencies and CPU. The tools "
            + "print latencies in whole milliseconds. Server CPU: the CPU time the serving processes used during the tool's run (Courant: "
            + "node JVM + Cassandra JVM; Kafka: the broker's JVM), per 1,000 records — it depends far less than rates on what else "
            + "ran on the machine. Courant's CPU seconds by process (medians): ProducerPerformance node %.1f + Cassandra %.1f, "
            + "ConsumerPerformance node %.1f + Cassandra %.1f. Rounds (records/s):",
        split.get("producerPerformance").get("node"), split.get("producerPerformance").get("cassandra"),
        split.get("consumerPerformance").get("node"), split.get("consumerPerformance").get("cassandra")));
    Map<String, Map<String, List<Map<String, Object>>>> rounds = (Map<String, Map<String, List<Map<String, Object>>>>) r.get("rounds");
    for (String tool : List.of("producerPerformance", "consumerPerformance")) {
      for (String system : SYSTEMS) {
        b.append(' ').append(system).append(' ').append(tool.replace("Performance", "")).append(' ');
        b.append(String.join(" / ", rounds.get(system).get(tool).stream()
            .map(x -> String.format("%,.0f", ((Number) x.get("recordsPerSecond")).doubleValue())).toList())).append(';');
      }
    }
    b.setLength(b.length() - 1);
    b.append(".\n\n![Courant next to Apache Kafka: throughput and end-to-end latency](").append(chart).append(")\n");
    return b.toString();
  }

  private static void row(StringBuilder b, Map<String, Map<String, Map<String, Object>>> med, String tool, String figure, String toolName,
      String label, String format) {
    Map<String, Object> f = med.get(tool).get(figure);
    b.append("| ").append(toolName).append(" | ").append(label).append(" | ").append(String.format(format, (Double) f.get("Courant")))
        .append(" | ").append(String.format(format, (Double) f.get("Kafka"))).append(" | ")
        .append(String.format("%.2f", (Double) f.get("ratio"))).append(" |\n");
  }

  record Settings(int rounds, long records, long warmupRecords, int recordBytes, int partitions, String acks, int latencyRecords,
      boolean quick) {
    Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rounds", rounds);
      m.put("records", records);
      m.put("warmupRecords", warmupRecords);
      m.put("recordBytes", recordBytes);
      m.put("partitions", partitions);
      m.put("acks", acks);
      m.put("latencyRecords", latencyRecords);
      m.put("quick", quick);
      return m;
    }
  }

  /** What the run started; stopped once, by the run or by the shutdown hook (Ctrl-C). */
  private static final class Resources {
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile CourantNode node;
    volatile KafkaBroker kafka;

    void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      KafkaTools.Children.stopAll();
      try {
        if (kafka != null) {
          kafka.close();
        }
      } catch (Exception e) {
        System.err.println("stopping Kafka: " + e);
      }
      if (node != null) {
        node.close();
      }
    }
  }
}
