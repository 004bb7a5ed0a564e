package io.courant.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.node.CourantNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache Kafka's own performance tools (kafka-tools 4.3.1: ProducerPerformance, ConsumerPerformance,
 * EndToEndLatency), each in its own JVM, against a Courant node's Kafka listener. Run by {@code
 * bench/run kafka-tools}; results into docs/benchmarks.md and bench/results/kafka-tools.json.
 */
public final class KafkaToolsBenchmark {
  private static final Pattern PRODUCER = Pattern.compile(
      "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, "
          + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");
  private static final Pattern LATENCY = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long records = Long.parseLong(opts.getOrDefault("records", "2000000"));
    int latencyRecords = Integer.parseInt(opts.getOrDefault("latency-records", "10000"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    String toolsClasspath = Files.readString(home.resolve("target/kafka-tools-classpath.txt")).trim();
    Config config = ConfigFactory.parseString("courant.cassandra.embedded.data-directory = \"target/bench-cassandra\"\n"
        + "courant.cassandra.embedded.heap = 2g\ncourant.http.port = 0\ncourant.kafka.port = 0\n"
        + "pekko.remote.artery.canonical.port = 0\n").withFallback(ConfigFactory.load());
    PartitionLogBenchmark.deleteRecursively(home.resolve("target/bench-cassandra"));
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("records", records, "partitions", 8, "recordBytes", 100, "rounds", rounds,
        "latencyRecords", latencyRecords, "acks", "all"));
    List<Map<String, Object>> produce = new ArrayList<>();
    List<Map<String, Object>> consume = new ArrayList<>();
    List<Map<String, Object>> latency = new ArrayList<>();
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      String bootstrap = "127.0.0.1:" + node.kafkaPort();
      for (int round = 1; round <= rounds; round++) {
        String topic = "bench-kafka-tools-" + round;
        courant.createTopic(new NewTopic(topic, 8)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        String out = tool(toolsClasspath, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records",
            Long.toString(records), "--record-size", "100", "--throughput", "-1", "--command-property", "bootstrap.servers=" + bootstrap,
            "acks=all");
        produce.add(producerResult(out));
        System.out.printf("round %d ProducerPerformance: %s%n", round, produce.get(produce.size() - 1));

        out = tool(toolsClasspath, "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", topic,
            "--num-records", Long.toString(records), "--timeout", "60000", "--group", "bench-consumer-" + round);
        consume.add(consumerResult(out));
        System.out.printf("round %d ConsumerPerformance: %s%n", round, consume.get(consume.size() - 1));

        String latencyTopic = topic + "-latency";
        courant.createTopic(new NewTopic(latencyTopic, 1)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        out = tool(toolsClasspath, "org.apache.kafka.tools.EndToEndLatency", bootstrap, latencyTopic, Integer.toString(latencyRecords),
            "all", "100");
        latency.add(latencyResult(out));
        System.out.printf("round %d EndToEndLatency: %s%n", round, latency.get(latency.size() - 1));
      }
    } finally {
      node.close();
    }
    results.put("producerPerformance", produce);
    results.put("consumerPerformance", consume);
    results.put("endToEndLatency", latency);
    Path out = home.resolve("bench/results/kafka-tools.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(results));
    String markdown = report(results);
    System.out.println(markdown);
    Report.replaceSection(home.resolve("docs/benchmarks.md"), "kafka-tools", markdown);
    System.exit(0);
  }

  /** Runs one tool in its own JVM and returns what it printed; fails when it fails. */
  private static String tool(String classpath, String main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-cp", classpath, main));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(main + " failed:\n" + out);
    }
    return out;
  }

  private static Map<String, Object> producerResult(String out) {
    Matcher m = last(PRODUCER, out);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("records", Long.parseLong(m.group(1)));
    r.put("recordsPerSecond", Double.parseDouble(m.group(2)));
    r.put("mbPerSecond", Double.parseDouble(m.group(3)));
    r.put("avgLatencyMs", Double.parseDouble(m.group(4)));
    r.put("p50Ms", Long.parseLong(m.group(6)));
    r.put("p99Ms", Long.parseLong(m.group(8)));
    return r;
  }

  /** ConsumerPerformance's CSV line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s. */
  private static Map<String, Object> consumerResult(String out) {
    String line = out.lines().filter(l -> l.matches("^\\d{4}-.*")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no ConsumerPerformance result in:\n" + out));
    String[] f = line.split(",\\s*");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("records", Long.parseLong(f[4]));
    r.put("recordsPerSecond", Double.parseDouble(f[5]));
    r.put("mbPerSecond", Double.parseDouble(f[3]));
    r.put("fetchRecordsPerSecond", Double.parseDouble(f[9]));
    return r;
  }

  private static Map<String, Object> latencyResult(String out) {
    Matcher m = last(LATENCY, out);
    Matcher avg = last(Pattern.compile("Avg latency: ([\\d.]+) ms"), out);
    return Map.of("avgMs", Double.parseDouble(avg.group(1)), "p50Ms", Long.parseLong(m.group(1)), "p99Ms", Long.parseLong(m.group(2)),
        "p999Ms", Long.parseLong(m.group(3)));
  }

  private static Matcher last(Pattern pattern, String out) {
    Matcher found = null;
    for (String line : out.lines().toList()) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        found = m;
      }
    }
    if (found == null) {
      throw new IllegalStateException("no line matching " + pattern + " in:\n" + out);
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static String report(Map<String, Object> r) {
    Map<String, Object> m = (Map<String, Object>) r.get("machine");
    Map<String, Object> s = (Map<String, Object>) r.get("settings");
    StringBuilder b = new StringBuilder("### Kafka's own tools over the Kafka protocol (`bench/run kafka-tools`)\n\n");
    b.append("Measured ").append(m.get("date")).append(" on ").append(m.get("cores")).append(" cores (").append(m.get("cpu"))
        .append("), ").append(m.get("java")).append("; Cassandra ").append(m.get("cassandra"))
        .append(". Node in one JVM, each kafka-tools 4.3.1 tool in its own JVM, over 127.0.0.1.\n\n");
    b.append(String.format("ProducerPerformance and ConsumerPerformance: %,d records of 100 bytes, 8 partitions, producer defaults "
        + "(idempotent, `acks=all`, no throughput limit). EndToEndLatency: %,d records of 100 bytes, 1 partition, `acks=all`. "
        + "Each round on new topics.%n%n", s.get("records"), s.get("latencyRecords")));
    b.append("| Round | Produce records/s | Produce p99 ms | Consume records/s | End-to-end p50 / p99 / p99.9 ms |\n|---:|---:|---:|---:|---|\n");
    List<Map<String, Object>> produce = (List<Map<String, Object>>) r.get("producerPerformance");
    List<Map<String, Object>> consume = (List<Map<String, Object>>) r.get("consumerPerformance");
    List<Map<String, Object>> latency = (List<Map<String, Object>>) r.get("endToEndLatency");
    for (int i = 0; i < produce.size(); i++) {
      b.append(String.format("| %d | %,.0f | %s | %,.0f | %s / %s / %s |%n", i + 1, (Double) produce.get(i).get("recordsPerSecond"),
          produce.get(i).get("p99Ms"), (Double) consume.get(i).get("recordsPerSecond"), latency.get(i).get("p50Ms"),
          latency.get(i).get("p99Ms"), latency.get(i).get("p999Ms")));
    }
    b.append("\nApache Kafka 4.3.1 on the same machine, for comparison (DESIGN.md §9): ProducerPerformance ~0.9 M records/s, "
        + "ConsumerPerformance ~2.1 M records/s, EndToEndLatency p99 1 ms.\n");
    return b.toString();
  }
}
