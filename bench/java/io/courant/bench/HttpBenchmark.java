package io.courant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.courant.node.CourantNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The HTTP API under load: closed-loop clients (java.net.http, one connection each) produce batches
 * of 100 JSON records with 100-byte values to a topic of 8 partitions ({@code POST /topics/{t}},
 * embedded format json), then a group of bridge consumer instances reads everything back ({@code GET
 * .../records}). Node and clients share the machine (and the JVM: the clients talk to it over
 * loopback sockets). Run by {@code bench/run http}; results into docs/benchmarks.md and
 * bench/results/http.json.
 */
public final class HttpBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final String V2 = "application/vnd.kafka.v2+json";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "20"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    int consumers = Integer.parseInt(opts.getOrDefault("consumers", "4"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Config config = BenchNode.freshConfig(home, "");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("partitions", 8, "batchRecords", 100, "valueBytes", 100, "clients", clients,
        "consumers", consumers, "rounds", rounds, "roundSeconds", seconds, "warmupSeconds", warmup));
    CourantNode node = CourantNode.start(config);
    try {
      String base = "http://127.0.0.1:" + node.httpPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String topic = "bench-http";
      check(send(http, base + "/admin/topics", "POST", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":8}"), 201);
      String body = batch();
      System.out.printf("Warm-up: %d s of produce (not measured)...%n", warmup);
      long produced = produce(http, base, topic, body, clients, warmup).records();
      List<Double> rates = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Produced p = produce(http, base, topic, body, clients, seconds);
        produced += p.records();
        rates.add(p.records() / (double) seconds);
        p50.add(p.p50Millis());
        p99.add(p.p99Millis());
        System.out.printf("round %d: produce %,.0f records/s, request p50 %.1f ms, p99 %.1f ms%n", round, p.records() / (double) seconds,
            p.p50Millis(), p.p99Millis());
      }
      results.put("produce", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(rates), "rounds", rates,
          "medianP50Millis", PartitionLogBenchmark.median(p50), "medianP99Millis", PartitionLogBenchmark.median(p99)));
      System.out.printf("Consume: %d instances read the %,d records...%n", consumers, produced);
      Consumed c = consume(http, base, topic, consumers, produced);
      System.out.printf("consume %,.0f records/s (group formed in %.0f ms)%n", c.recordsPerSecond(), c.joinMillis());
      results.put("consume", Map.of("recordsPerSecond", c.recordsPerSecond(), "records", produced, "joinMillis", c.joinMillis()));
    } finally {
      node.close();
    }
    Report.publish(home, "http", results, Report.http(results));
    System.exit(0);
  }

  /** 100 records, each a JSON string of 100 bytes (98 characters and its quotes). */
  private static String batch() {
    String value = "\"" + "x".repeat(98) + "\"";
    StringBuilder b = new StringBuilder("{\"records\":[");
    for (int i = 0; i < 100; i++) {
      b.append(i == 0 ? "" : ",").append("{\"value\":").append(value).append('}');
    }
    return b.append("]}").toString();
  }

  private record Produced(long records, double p50Millis, double p99Millis) {}

  private static Produced produce(HttpClient http, String base, String topic, String body, int clients, int seconds) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicLong records = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    List<Future<List<Long>>> loops = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      loops.add(threads.submit(() -> {
        List<Long> latencies = new ArrayList<>();
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          HttpResponse<String> r = send(http, base + "/topics/" + topic, "POST", JSON_V2, body);
          check(r, 200);
          latencies.add(System.nanoTime() - start);
          records.addAndGet(100);
        }
        return latencies;
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : loops) {
      all.addAll(f.get(seconds + 120L, TimeUnit.SECONDS));
    }
    threads.shutdown();
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Produced(records.get(), percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
  }

  private record Consumed(double recordsPerSecond, double joinMillis) {}

  /** Instances subscribe in one group and poll until all records are read; the rate runs from the first record to the last. */
  private static Consumed consume(HttpClient http, String base, String topic, int consumers, long total) throws Exception {
    String group = base + "/consumers/bench-http";
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      HttpResponse<String> r = send(http, group, "POST", V2, "{\"name\":\"c" + i + "\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\","
          + "\"enable.auto.commit\":false,\"max.poll.records\":10000}");
      check(r, 200);
      instances.add(MAPPER.readTree(r.body()).get("base_uri").asText());
      check(send(http, instances.get(i) + "/subscription", "POST", V2, "{\"topics\":[\"" + topic + "\"]}"), 204);
    }
    long start = System.nanoTime();
    AtomicLong firstRecord = new AtomicLong(Long.MAX_VALUE);
    AtomicLong read = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(consumers);
    List<Future<?>> loops = new ArrayList<>();
    for (String instance : instances) {
      loops.add(threads.submit(() -> {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (read.get() < total && System.nanoTime() < deadline) {
          HttpResponse<String> r = send(http, instance + "/records?timeout=500&max_bytes=8388608", "GET", JSON_V2, null);
          check(r, 200);
          JsonNode records = MAPPER.readTree(r.body());
          if (records.size() > 0) {
            firstRecord.accumulateAndGet(System.nanoTime(), Math::min);
            read.addAndGet(records.size());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : loops) {
      f.get(11, TimeUnit.MINUTES);
    }
    long end = System.nanoTime();
    threads.shutdown();
    for (String instance : instances) {
      send(http, instance, "DELETE", V2, null);
    }
    if (read.get() < total) {
      throw new IllegalStateException("read " + read.get() + " of " + total + " records in 10 minutes");
    }
    return new Consumed(total / ((end - firstRecord.get()) / 1e9), (firstRecord.get() - start) / 1e6);
  }

  static HttpResponse<String> send(HttpClient http, String url, String method, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    if (method.equals("GET")) {
      b.header("Accept", contentType).GET();
    } else {
      b.header("Content-Type", contentType).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }
}
