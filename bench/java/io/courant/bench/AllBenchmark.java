package io.courant.bench;

import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.node.CourantNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole benchmark matrix in one run ({@code bench/run all}, {@code bin/courant bench}): for each
 * surface (Java API, Pekko Streams stages, HTTP, Kafka protocol), record size (100 B, 1 KiB),
 * partition count (1, 8) and acks (1, all): produce throughput (closed loop for a few seconds),
 * consume throughput (reading back what was produced) and end-to-end latency (one record at a time,
 * from the send to the consumer holding it, as Kafka's EndToEndLatency measures). Prints a table,
 * writes docs/benchmarks.md (section "all") and bench/results/all.json; then, unless {@code
 * --compare=false}, runs {@link KafkaCompareBenchmark} (Courant next to Apache Kafka).
 */
public final class AllBenchmark {
  private AllBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    int status = 0;
    try {
      run(home, opts);
      if (Boolean.parseBoolean(opts.getOrDefault("compare", "true"))) {
        Map<String, String> compare = new LinkedHashMap<>();
        if (opts.containsKey("quick")) {
          compare.put("quick", opts.get("quick"));
        }
        KafkaCompareBenchmark.run(home, compare);
      }
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  static Map<String, Object> run(Path home, Map<String, String> opts) throws Exception {
    boolean quick = Boolean.parseBoolean(opts.getOrDefault("quick", "false"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", quick ? "1" : "3"));
    int latencyRecords = Integer.parseInt(opts.getOrDefault("latency-records", quick ? "20" : "300"));
    int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup", quick ? "0" : "20"));
    List<String> surfaces = list(opts.getOrDefault("surfaces", "java,stream,http,kafka"));
    List<Integer> sizes = list(opts.getOrDefault("sizes", "100,1024")).stream().map(Integer::parseInt).toList();
    List<Integer> partitionCounts = list(opts.getOrDefault("partitions", "1,8")).stream().map(Integer::parseInt).toList();
    List<String> acksList = list(opts.getOrDefault("acks", "1,all"));
    for (String s : surfaces) {
      if (!List.of("java", "stream", "http", "kafka").contains(s)) {
        throw new IllegalArgumentException("--surfaces: " + s + " is none of java, stream, http, kafka");
      }
    }
    for (String a : acksList) {
      if (!a.equals("1") && !a.equals("all")) {
        throw new IllegalArgumentException("--acks: " + a + " is neither 1 nor all");
      }
    }
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("produceSeconds", seconds);
    settings.put("latencyRecords", latencyRecords);
    settings.put("warmupSeconds", warmupSeconds);
    settings.put("surfaces", surfaces);
    settings.put("recordBytes", sizes);
    settings.put("partitions", partitionCounts);
    settings.put("acks", acksList);
    results.put("settings", settings);
    Progress progress = new Progress("all");
    List<Map<String, Object>> cells = new ArrayList<>();
    progress.say("starting a Courant node (embedded Cassandra)");
    CourantNode node = CourantNode.start(BenchNode.freshConfig(home, ""));
    Thread hook = new Thread(node::close, "bench-all-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Courant courant = Courant.get(node.system());
      int topicNumber = 0;
      if (warmupSeconds > 0) {
        progress.say("warm-up: " + warmupSeconds + " s of produce and a read through every surface (not measured)");
        for (String s : surfaces) {
          try (Surfaces.Surface surface = Surfaces.of(s, node)) {
            String topic = topic(courant, "all-warmup-" + s, 8);
            Surfaces.Produced p = surface.produce(topic, PartitionLogBenchmark.payload(), Acks.ALL,
                Duration.ofSeconds(Math.max(1, warmupSeconds / surfaces.size())));
            surface.consume(topic, 8, p.records(), Duration.ofSeconds(60));
          }
        }
      }
      int total = surfaces.size() * sizes.size() * partitionCounts.size() * acksList.size();
      progress.total(total);
      for (String s : surfaces) {
        try (Surfaces.Surface surface = Surfaces.of(s, node)) {
          for (int size : sizes) {
            byte[] value = Arrays.copyOf(PartitionLogBenchmark.payload(), size);
            Arrays.fill(value, Math.min(size, 100), size, (byte) 'x');
            for (int partitions : partitionCounts) {
              for (String acksName : acksList) {
                Acks acks = acksName.equals("1") ? Acks.LEADER : Acks.ALL;
                progress.step(String.format("%s, %d-byte records, %d partition(s), acks=%s", surface.name(), size, partitions, acksName));
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("surface", surface.name());
                cell.put("recordBytes", size);
                cell.put("partitions", partitions);
                cell.put("acks", acksName);
                if (!surface.supportsAcks(acks)) {
                  cell.put("skipped", surface.acksNote());
                  cells.add(cell);
                  continue;
                }
                String topic = topic(courant, "all-" + (++topicNumber), partitions);
                Surfaces.Produced p = surface.produce(topic, value, acks, Duration.ofSeconds(seconds));
                cell.put("produceRecordsPerSecond", p.records() / p.seconds());
                cell.put("produceMBPerSecond", p.records() * (double) size / p.seconds() / 1e6);
                cell.put("produceLatencyMs", p.latencies() == null ? null : percentiles(p.latencies()));
                cell.put("produceLatencyIs", surface.produceLatencyIs());
                Surfaces.Consumed c = surface.consume(topic, partitions, p.records(), Duration.ofSeconds(60));
                cell.put("consumeRecordsPerSecond", c.records() / c.seconds());
                cell.put("consumedRecords", c.records());
                String latencyTopic = topic(courant, "all-" + (++topicNumber), partitions);
                long[] e2e = surface.endToEnd(latencyTopic, partitions, value, acks, latencyRecords);
                cell.put("endToEndLatencyMs", percentiles(e2e));
                cells.add(cell);
                progress.detail(cell);
              }
            }
          }
        }
      }
    } finally {
      progress.say("stopping the Courant node");
      node.close();
      BenchNode.removeShutdownHook(hook);
    }
    results.put("cells", cells);
    String markdown = report(results);
    System.out.println(markdown);
    Path json = quick ? home.resolve("target/bench-quick/all.json") : home.resolve("bench/results/all.json");
    Files.createDirectories(json.getParent());
    Files.writeString(json, Json.write(results));
    if (quick) {
      Files.writeString(json.resolveSibling("all.md"), markdown);
    } else {
      Report.replaceSection(home.resolve("docs/benchmarks.md"), "all", markdown);
    }
    progress.say("done: " + json + (quick ? "" : ", docs/benchmarks.md"));
    return results;
  }

  private static List<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String topic(Courant courant, String name, int partitions) throws Exception {
    courant.createTopic(new NewTopic(name, partitions)).toCompletableFuture().get(120, TimeUnit.SECONDS);
    return name;
  }

  /** p50, p99 and p99.9 in milliseconds of latencies in nanoseconds. */
  static Map<String, Double> percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50", at(sorted, 0.50));
    m.put("p99", at(sorted, 0.99));
    m.put("p999", at(sorted, 0.999));
    m.put("samples", (double) sorted.length);
    return m;
  }

  private static double at(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  @SuppressWarnings("unchecked")
  static String report(Map<String, Object> r) {
    Map<String, Object> m = (Map<String, Object>) r.get("machine");
    Map<String, Object> s = (Map<String, Object>) r.get("settings");
    StringBuilder b = new StringBuilder("### Every surface, one run (`bench/run all`, `bin/courant bench`)\n\n");
    b.append("Measured ").append(m.get("date")).append(" on ").append(m.get("cores")).append(" cores (").append(m.get("cpu"))
        .append("), ").append(m.get("java")).append("; Cassandra ").append(m.get("cassandra"))
        .append(". Clients and node in one JVM (HTTP and Kafka clients over loopback sockets). The machine is shared: other "
            + "builds may have run during the measurements.\n\n");
    b.append(String.format("Each row on new topics: **produce** closed-loop for %s s (Java API: `sendAll` of 16 KiB batches, 32 in "
            + "flight; stream: `Producer.plainSink`, default `batch.size`/`linger.ms`; HTTP: 4 clients POSTing 100-record binary "
            + "batches; Kafka protocol: one `KafkaProducer`, its defaults), unkeyed records; **consume**: what was produced, read "
            + "from the beginning with the partitions assigned (`CourantConsumer`, `Consumer.plainSource`, one bridge consumer "
            + "instance, `KafkaConsumer`); **end-to-end latency**: %s records one at a time, from the send to the consumer "
            + "holding the record (the producer waits for the acknowledgement first, as Kafka's `EndToEndLatency` does; "
            + "producers with `linger.ms=0`). A warm-up of %s s of load through every surface ran first, unmeasured. One "
            + "round per row: figures from a few seconds of load on a shared machine vary by tens of percent; the "
            + "`kafka-compare` section has medians of several rounds.%n%n",
        s.get("produceSeconds"), s.get("latencyRecords"), s.get("warmupSeconds")));
    b.append("| Surface | Record | Partitions | acks | Produce records/s | Produce MB/s | Produce latency p50 / p99 / p99.9 ms | "
        + "Consume records/s | End-to-end p50 / p99 / p99.9 ms |\n|---|---:|---:|---|---:|---:|---|---:|---|\n");
    List<String> notes = new ArrayList<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) r.get("cells")) {
      b.append(String.format("| %s | %s B | %s | %s | ", c.get("surface"), c.get("recordBytes"), c.get("partitions"), c.get("acks")));
      if (c.containsKey("skipped")) {
        b.append("— | — | — | — | — |\n");
        if (!notes.contains((String) c.get("skipped"))) {
          notes.add((String) c.get("skipped"));
        }
        continue;
      }
      Map<String, Double> pl = (Map<String, Double>) c.get("produceLatencyMs");
      Map<String, Double> e2e = (Map<String, Double>) c.get("endToEndLatencyMs");
      b.append(String.format("%,.0f | %.1f | %s | %,.0f | %s |%n", (Double) c.get("produceRecordsPerSecond"),
          (Double) c.get("produceMBPerSecond"), pl == null ? "—" : triple(pl), (Double) c.get("consumeRecordsPerSecond"), triple(e2e)));
    }
    b.append("\nProduce latency: Java API and HTTP — one request (a batch) from send to acknowledgement; Kafka protocol — one "
        + "record from `send` to its callback (as `ProducerPerformance` reports it: in a closed loop without a rate limit it is "
        + "mostly the time a record waits in the producer's 32 MiB buffer); the stream stage has no per-record "
        + "acknowledgement to time (—).");
    for (String n : notes) {
      b.append(' ').append(n);
    }
    b.append('\n');
    return b.toString();
  }

  private static String triple(Map<String, Double> p) {
    return String.format("%.1f / %.1f / %.1f", p.get("p50"), p.get("p99"), p.get("p999"));
  }

  /** The topic's partitions 0 .. count-1. */
  static List<TopicPartition> partitions(String topic, int count) {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      all.add(new TopicPartition(topic, p));
    }
    return all;
  }

  static CourantConsumer assignedConsumer(CourantNode node, String topic, int partitions) {
    CourantConsumer consumer = new CourantConsumer(node.system(), io.courant.client.ConsumerSettings.create("")
        .with("auto.offset.reset", "earliest").with("max.poll.records", 10000));
    consumer.assign(partitions(topic, partitions));
    return consumer;
  }
}
