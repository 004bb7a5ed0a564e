package io.courant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run kafka-compare --quick} end to end: Apache Kafka and a Courant node started, Kafka's
 * three tools run against both for two rounds, results, report and chart written to
 * target/bench-quick/, both stopped. Takes minutes (two JVMs to start, twelve tool JVMs), so it lives
 * with the benchmarks: {@code mvn -Pbench test -Dtest=KafkaCompareSmokeTest}.
 */
class KafkaCompareSmokeTest {
  @Test
  @SuppressWarnings("unchecked")
  void quickComparisonRunsEndToEnd() throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Path out = home.resolve("target/bench-quick");
    PartitionLogBenchmark.deleteRecursively(out);

    Map<String, Object> results = KafkaCompareBenchmark.run(home, Map.of("quick", "true"));

    Map<String, Map<String, List<Map<String, Object>>>> rounds = (Map<String, Map<String, List<Map<String, Object>>>>) results.get("rounds");
    for (String system : List.of("Courant", "Kafka")) {
      List<Map<String, Object>> produce = rounds.get(system).get("producerPerformance");
      List<Map<String, Object>> consume = rounds.get(system).get("consumerPerformance");
      List<Map<String, Object>> latency = rounds.get(system).get("endToEndLatency");
      assertEquals(2, produce.size(), system);
      for (int i = 0; i < 2; i++) {
        assertEquals(20_000L, produce.get(i).get("records"), system + " produced every record");
        assertEquals(20_000L, consume.get(i).get("records"), system + " consumed every record produced");
        assertTrue((Double) produce.get(i).get("recordsPerSecond") > 0, system);
        assertTrue((Double) latency.get(i).get("p999Ms") >= (Double) latency.get(i).get("p50Ms"), system);
      }
    }
    Map<String, Map<String, Map<String, Object>>> medians = (Map<String, Map<String, Map<String, Object>>>) results.get("medians");
    Map<String, Object> produceRate = medians.get("producerPerformance").get("recordsPerSecond");
    assertEquals((Double) produceRate.get("Courant") / (Double) produceRate.get("Kafka"), (Double) produceRate.get("ratio"), 1e-9);
    String report = Files.readString(out.resolve("kafka-compare.md"));
    assertTrue(report.contains("| ProducerPerformance | records/s |"), report);
    assertTrue(report.contains("commitlog_sync: periodic"), "durability stated: " + report);
    assertTrue(Files.size(out.resolve("kafka-compare.png")) > 10_000, "chart written");
    assertTrue(Files.exists(out.resolve("kafka-compare.json")));
    assertTrue(!Files.exists(home.resolve("target/kafka-compare")), "Kafka's data directory deleted");
    String properties = home.resolve("target/kafka-compare/server.properties").toString();
    assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().arguments().map(a -> List.of(a).contains(properties)).orElse(false)),
        "the Kafka broker stopped");
  }
}
