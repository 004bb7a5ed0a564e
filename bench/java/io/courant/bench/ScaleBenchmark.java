package io.courant.bench;

import com.typesafe.config.Config;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.node.CourantNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One node holding many partitions and consumer groups: the time to bring {@code --partitions}
 * (10,000) partitions to life with one append each, the node's heap after a full GC with all of
 * them live and again after the idle ones passivated, and {@code --groups} (100) consumer groups
 * committing and describing. Run by {@code bench/run scale}; results into docs/benchmarks.md and
 * bench/results/scale.json.
 */
public final class ScaleBenchmark {
  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "10000"));
    int groups = Integer.parseInt(opts.getOrDefault("groups", "100"));
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Config config = BenchNode.freshConfig(home, "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 60s");
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      long heapBefore = heapAfterGc();
      String topic = "scale";
      PartitionLogBenchmark.await(courant.createTopic(new NewTopic(topic, partitions)));
      long start = System.nanoTime();
      List<CompletableFuture<?>> window = new ArrayList<>();
      int[] retries = {0};
      for (int p = 0; p < partitions; p++) {
        window.add(sendWithRetries(courant, topic, p, retries));
        if (window.size() >= 64) {
          window.remove(0).join();
        }
        if ((p + 1) % 1000 == 0) {
          System.out.printf("%,d partitions started, %.0f s%n", p + 1, (System.nanoTime() - start) / 1e9);
        }
      }
      window.forEach(CompletableFuture::join);
      double startSeconds = (System.nanoTime() - start) / 1e9;
      results.put("retriedAppends", retries[0]);
      long heapLive = heapAfterGc();
      System.out.printf("%,d partitions live after %.1f s; heap %d MB (before: %d MB)%n", partitions, startSeconds,
          heapLive >> 20, heapBefore >> 20);

      long groupsStart = System.nanoTime();
      for (int g = 0; g < groups; g++) {
        PartitionLogBenchmark.await(courant.commitOffsets("group-" + g, Map.of(new TopicPartition(topic, g % partitions),
            OffsetAndMetadata.of(1))));
      }
      for (int g = 0; g < groups; g++) {
        PartitionLogBenchmark.await(courant.describeGroup("group-" + g));
      }
      double groupSeconds = (System.nanoTime() - groupsStart) / 1e9;
      System.out.printf("%d groups committed and described in %.1f s%n", groups, groupSeconds);

      System.out.println("Waiting 90 s for idle partitions to passivate (idle timeout 60 s)...");
      Thread.sleep(90_000);
      long heapPassivated = heapAfterGc();
      System.out.printf("heap after passivation: %d MB%n", heapPassivated >> 20);
      results.put("partitions", partitions);
      results.put("groups", groups);
      results.put("startSeconds", startSeconds);
      results.put("heapBeforeMB", heapBefore >> 20);
      results.put("heapLiveMB", heapLive >> 20);
      results.put("heapPassivatedMB", heapPassivated >> 20);
      results.put("groupSeconds", groupSeconds);
    } finally {
      node.close();
    }
    Path out = home.resolve("bench/results/scale.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, Json.write(results));
    Map<String, Object> m = (Map<String, Object>) results.get("machine");
    String markdown = String.format("### One node, many partitions (`bench/run scale`)%n%nMeasured %s on %s cores (%s), %s; "
            + "Cassandra embedded (RF 1), node JVM `-Xmx4g`.%n%n| Figure | Value |%n|---|---:|%n"
            + "| partitions brought to life (one append each, 64 in flight, retriable failures retried) | %,d in %.1f s (%s appends retried) |%n"
            + "| node heap after a full GC, before the topic | %d MB |%n| ... with all %,d partitions live | %d MB |%n"
            + "| ... after the idle ones passivated (idle timeout 60 s in this run; 10 min by default) | %d MB |%n"
            + "| %d consumer groups: one commit each, then one describe each | %.1f s |%n",
        m.get("date"), m.get("cores"), m.get("cpu"), m.get("java"), partitions, results.get("startSeconds"), results.get("retriedAppends"),
        results.get("heapBeforeMB"), partitions, results.get("heapLiveMB"), results.get("heapPassivatedMB"), groups,
        results.get("groupSeconds"));
    System.out.println(markdown);
    Report.replaceSection(home.resolve("docs/benchmarks.md"), "scale", markdown);
    System.exit(0);
  }

  /** As a Kafka producer does: a retriable failure (the journal overloaded, a start timing out) is retried, up to 10 times. */
  private static CompletableFuture<?> sendWithRetries(Courant courant, String topic, int partition, int[] retries) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    attempt(courant, topic, partition, retries, 10, done);
    return done;
  }

  private static void attempt(Courant courant, String topic, int partition, int[] retries, int left, CompletableFuture<Object> done) {
    courant.send(ProducerRecord.of(topic, null, "hello").withPartition(partition)).whenComplete((md, failure) -> {
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (failure == null) {
        done.complete(md);
      } else if (cause instanceof io.courant.client.RetriableException && left > 0) {
        synchronized (retries) {
          retries[0]++;
        }
        attempt(courant, topic, partition, retries, left - 1, done);
      } else {
        done.completeExceptionally(failure);
      }
    });
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(500);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
