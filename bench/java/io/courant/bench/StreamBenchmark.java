package io.courant.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = PartitionLogBenchmark.parse(args);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long records = Long.parseLong(opts.getOrDefault("records", "5000000"));
    long warmup = Long.parseLong(opts.getOrDefault("warmup-records", Long.toString(records / 2)));
    boolean writeReport = !opts.getOrDefault("report", "true").equals("false");
    Path home = Path.of(System.getProperty("courant.home", ".")).toAbsolutePath();
    Config config = ConfigFactory.parseString("courant.cassandra.embedded.data-directory = \"target/bench-cassandra\"\n"
        + "courant.cassandra.embedded.heap = 2g\ncourant.http.port = 0\npekko.remote.artery.canonical.port = 0\n")
        .withFallback(ConfigFactory.load());
    PartitionLogBenchmark.deleteRecursively(home.resolve("target/bench-cassandra"));
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("settings", Map.of("records", records, "partitions", PARTITIONS, "recordBytes", 100, "rounds", rounds,
        "warmupRecords", warmup, "maxPollRecords", 10000));
    CourantNode node = CourantNode.start(config);
    try {
      Courant courant = Courant.get(node.system());
      if (warmup > 0) {
        System.out.printf("Warm-up: producing and consuming %,d records (not measured)...%n", warmup);
        String topic = topic(courant, "bench-stream-warmup");
        produce(node, topic, warmup);
        consumePlain(node, topic, warmup);
      }
      List<Double> produce = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> committable = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        String topic = topic(courant, "bench-stream-r" + round);
        produce.add(produce(node, topic, records));
        plain.add(consumePlain(node, topic, records));
        committable.add(consumeCommittable(node, topic, "bench-stream-g" + round, records));
        System.out.printf("round %d: produce %,.0f records/s, plainSource %,.0f records/s, committableSource+Committer %,.0f records/s%n",
            round, produce.get(round - 1), plain.get(round - 1), committable.get(round - 1));
      }
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

  private static String topic(Courant courant, String name) {
    PartitionLogBenchmark.await(courant.createTopic(new NewTopic(name, PARTITIONS)));
    return name;
  }

  /** Records/s of Producer.plainSink writing {@code count} records. */
  private static double produce(CourantNode node, String topic, long count) {
    ProducerSettings<byte[], byte[]> settings = ProducerSettings.create(node.system(), new ByteArraySerializer(), new ByteArraySerializer());
    byte[] value = PartitionLogBenchmark.payload();
    long start = System.nanoTime();
    PartitionLogBenchmark.await(Source.range(1, Math.toIntExact(count))
        .map(i -> ProducerRecord.<byte[], byte[]>of(topic, value))
        .runWith(Producer.plainSink(settings), node.system()));
    return count / ((System.nanoTime() - start) / 1e9);
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
    var run = Consumer.plainSource(consumerSettings(node), Subscriptions.assignment(all))
        .take(count)
        .toMat(Sink.ignore(), Keep.both())
        .run(node.system());
    run.second().toCompletableFuture().get(10, TimeUnit.MINUTES);
    double rate = count / ((System.nanoTime() - start) / 1e9);
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
