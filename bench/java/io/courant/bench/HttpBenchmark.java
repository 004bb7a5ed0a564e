package io.courant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.courant.node.CourantNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * The HTTP API under load from a real load generator: Debian's {@code wrk} (installed by {@code
 * bin/install-load-tool}), in its own process on the same machine, drives the node over loopback.
 *
 * <ul>
 *   <li>Produce: {@code --clients} connections POST batches of 100 JSON records with 100-byte values
 *       ({@code application/vnd.kafka.json.v2+json}) to a topic of 8 partitions, closed loop, after a
 *       warm-up; median of {@code --rounds}.
 *   <li>Single-record latency: one connection POSTs one record at a time.
 *   <li>Consume: per round, a fresh group of {@code --consumers} bridge instances ({@code
 *       max.poll.records=100}) reads the topic from the beginning; wrk polls each instance over its
 *       own connection ({@code GET .../records}) and counts the records returned.
 * </ul>
 *
 * Run by {@code bench/run http}; results into docs/benchmarks.md and bench/results/http.json.
 */
public final class HttpBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final int PARTITIONS = 8;
  private static final int BATCH = 100;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "15"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "15"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "16"));
    int consumers = Integer.parseInt(opts.getOrDefault("consumers", "4"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Path work = Files.createDirectories(home.resolve("target/bench-http"));
    Path batch = Files.writeString(work.resolve("batch.json"), batch(BATCH));
    Path single = Files.writeString(work.resolve("single.json"), batch(1));
    Config config = BenchNode.freshConfig(home, "");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("loadTool", wrkVersion());
    results.put("settings", Map.of("partitions", PARTITIONS, "batchRecords", BATCH, "valueBytes", 100, "clients", clients,
        "consumers", consumers, "wrkThreads", threads, "rounds", rounds, "roundSeconds", seconds, "warmupSeconds", warmup));
    CourantNode node = CourantNode.start(config);
    try {
      String base = "http://127.0.0.1:" + node.httpPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String topic = "bench-http";
      check(send(http, base + "/admin/topics", "POST", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":" + PARTITIONS + "}"), 201);
      String produceUrl = base + "/topics/" + topic;

      System.out.printf("Warm-up: %d s of produce (not measured)...%n", warmup);
      long produced = BATCH * wrk(home, threads, clients, warmup, "produce.lua", produceUrl, batch.toString(), JSON_V2).okRequests();
      List<Double> rates = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Wrk w = wrk(home, threads, clients, seconds, "produce.lua", produceUrl, batch.toString(), JSON_V2);
        produced += BATCH * w.okRequests();
        rates.add(BATCH * w.okRequests() / w.seconds());
        p50.add(w.millis("p50Micros"));
        p99.add(w.millis("p99Micros"));
        System.out.printf("round %d: produce %,.0f records/s (%,.0f requests/s), request p50 %.1f ms, p99 %.1f ms%n", round,
            rates.get(round - 1), w.okRequests() / w.seconds(), p50.get(round - 1), p99.get(round - 1));
      }
      results.put("produce", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(rates), "rounds", rates,
          "medianP50Millis", PartitionLogBenchmark.median(p50), "medianP99Millis", PartitionLogBenchmark.median(p99)));

      List<Double> singleP50 = new ArrayList<>();
      List<Double> singleP99 = new ArrayList<>();
      List<Double> singleRates = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Wrk w = wrk(home, 1, 1, Math.min(seconds, 10), "produce.lua", produceUrl, single.toString(), JSON_V2);
        produced += w.okRequests();
        singleP50.add(w.millis("p50Micros"));
        singleP99.add(w.millis("p99Micros"));
        singleRates.add(w.okRequests() / w.seconds());
        System.out.printf("round %d: one record per request, one connection: p50 %.2f ms, p99 %.2f ms (%,.0f requests/s)%n", round,
            singleP50.get(round - 1), singleP99.get(round - 1), singleRates.get(round - 1));
      }
      results.put("singleRecord", Map.of("medianP50Millis", PartitionLogBenchmark.median(singleP50),
          "medianP99Millis", PartitionLogBenchmark.median(singleP99), "medianRequestsPerSecond", PartitionLogBenchmark.median(singleRates)));

      List<Double> consumeRates = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        List<String> instances = instances(http, base, topic, "bench-http-" + round, consumers);
        List<String> wrkArgs = new ArrayList<>(List.of(JSON_V2));
        instances.forEach(i -> wrkArgs.add(URI.create(i).getPath()));
        Wrk w = wrk(home, consumers, consumers, seconds, "consume.lua", base, wrkArgs.toArray(String[]::new));
        long read = w.result().get("records").asLong();
        for (String instance : instances) {
          send(http, instance, "DELETE", V2, null);
        }
        if (read >= produced) {
          throw new IllegalStateException("round " + round + " read all " + read + " records before its end: produce longer");
        }
        consumeRates.add(read / w.seconds());
        System.out.printf("round %d: consume %,.0f records/s (%,.0f polls/s, poll p50 %.1f ms)%n", round, consumeRates.get(round - 1),
            w.okRequests() / w.seconds(), w.millis("p50Micros"));
      }
      results.put("consume", Map.of("medianRecordsPerSecond", PartitionLogBenchmark.median(consumeRates), "rounds", consumeRates,
          "recordsInTopic", produced));
    } finally {
      node.close();
    }
    Report.publish(home, "http", results, Report.http(results));
    System.exit(0);
  }

  /** {@code n} records, each a JSON string of 100 bytes (98 characters and its quotes). */
  private static String batch(int n) {
    String value = "\"" + "x".repeat(98) + "\"";
    StringBuilder b = new StringBuilder("{\"records\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"value\":").append(value).append('}');
    }
    return b.append("]}").toString();
  }

  /** A group of bridge instances subscribed to the topic, each having polled once (so the group is formed). */
  private static List<String> instances(HttpClient http, String base, String topic, String group, int n) throws Exception {
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = send(http, base + "/consumers/" + group, "POST", V2, "{\"name\":\"c" + i + "\",\"format\":\"json\","
          + "\"auto.offset.reset\":\"earliest\",\"enable.auto.commit\":false,\"max.poll.records\":" + BATCH + "}");
      check(r, 200);
      instances.add(MAPPER.readTree(r.body()).get("base_uri").asText());
      check(send(http, instances.get(i) + "/subscription", "POST", V2, "{\"topics\":[\"" + topic + "\"]}"), 204);
    }
    // In parallel: a member's first poll waits in the group's join for the others to join too
    // (CourantConsumer joins inside poll, beyond the poll's timeout), so polling them in turn would stall.
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      List<Future<Boolean>> first = new ArrayList<>();
      for (String instance : instances) {
        first.add(threads.submit(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(http, instance + "/records?timeout=200", "GET", JSON_V2, null);
            check(r, 200);
            if (MAPPER.readTree(r.body()).size() > 0) {
              return true;
            }
          }
          return false;
        }));
      }
      for (int i = 0; i < n; i++) {
        if (!first.get(i).get(90, TimeUnit.SECONDS)) {
          throw new IllegalStateException("instance " + instances.get(i) + " got no records within 60 s");
        }
      }
    } finally {
      threads.shutdownNow();
    }
    return instances;
  }

  /** One wrk run's summary (its RESULT line). */
  private record Wrk(JsonNode result) {
    long okRequests() {
      return result.get("requests").asLong() - result.get("non2xx").asLong();
    }

    double seconds() {
      return result.get("durationMicros").asLong() / 1e6;
    }

    double millis(String field) {
      return result.get(field).asLong() / 1000.0;
    }
  }

  private static Wrk wrk(Path home, int threads, int connections, int seconds, String script, String url, String... scriptArgs)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "30s",
        "-s", home.resolve("bench/wrk/" + script).toString(), url, "--"));
    command.addAll(List.of(scriptArgs));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith("RESULT ")) {
        Wrk w = new Wrk(MAPPER.readTree(line.substring(7)));
        if (w.result().get("non2xx").asLong() > 0 || w.result().path("socketErrors").asLong() > 0) {
          throw new IllegalStateException("requests failed under load: " + line + "\n" + out);
        }
        return w;
      }
    }
    throw new IllegalStateException("wrk printed no RESULT line: " + out);
  }

  private static String wrkVersion() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", "wrk").redirectErrorStream(true).start();
    String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return "wrk " + v + " (Debian)";
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
}
