package io.courant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.node.CourantNode;
import io.courant.stream.Consumer;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.Producer;
import io.courant.stream.ProducerSettings;
import io.courant.stream.Subscriptions;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.ByteArraySerializer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** The four ways into Courant that {@link AllBenchmark} measures, each with the same three measurements. */
final class Surfaces {
  private Surfaces() {}

  record Produced(long records, double seconds, long[] latencies) {}

  record Consumed(long records, double seconds) {}

  /** One surface: produce closed-loop, consume what was produced, end-to-end latency of single records. */
  interface Surface extends AutoCloseable {
    String name();

    Produced produce(String topic, byte[] value, Acks acks, Duration duration) throws Exception;

    Consumed consume(String topic, int partitions, long records, Duration max) throws Exception;

    /** Latencies (ns) of {@code count} records sent one at a time, each from the send to the consumer holding it. */
    long[] endToEnd(String topic, int partitions, byte[] value, Acks acks, int count) throws Exception;

    default boolean supportsAcks(Acks acks) {
      return true;
    }

    default String acksNote() {
      return "";
    }

    String produceLatencyIs();

    @Override
    default void close() throws Exception {}
  }

  static Surface of(String name, CourantNode node) {
    return switch (name) {
      case "java" -> new JavaApi(node);
      case "stream" -> new Stream(node);
      case "http" -> new Http(node);
      case "kafka" -> new Kafka(node);
      default -> throw new IllegalArgumentException("unknown surface " + name);
    };
  }

  /** End-to-end samples: the first few records (the consumer's first fetches) are sent but not counted. */
  private static final int UNCOUNTED = 5;

  /** Reads from an assigned consumer until {@code records} arrived or {@code max} passed; the rate from the first poll. */
  private static Consumed pollUntil(java.util.function.LongSupplier poll, long records, Duration max) {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    long read = 0;
    while (read < records && System.nanoTime() < deadline) {
      read += poll.getAsLong();
    }
    return new Consumed(read, (System.nanoTime() - start) / 1e9);
  }

  /** Sends one record at a time and polls until it arrives; returns the counted latencies. */
  private static long[] oneAtATime(int count, ThrowingRunnable send, java.util.function.LongSupplier poll) throws Exception {
    long[] latencies = new long[count];
    for (int i = 0; i < count + UNCOUNTED; i++) {
      long start = System.nanoTime();
      send.run();
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      long got = 0;
      while (got == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a record sent was not consumed within 30 s");
        }
        got = poll.getAsLong();
      }
      if (i >= UNCOUNTED) {
        latencies[i - UNCOUNTED] = System.nanoTime() - start;
      }
    }
    return latencies;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** {@code Courant.sendAll} of 16 KiB batches with 32 in flight; {@code CourantConsumer}. */
  static final class JavaApi implements Surface {
    private final CourantNode node;
    private final Courant courant;

    JavaApi(CourantNode node) {
      this.node = node;
      this.courant = Courant.get(node.system());
    }

    @Override
    public String name() {
      return "Java API";
    }

    @Override
    public String produceLatencyIs() {
      return "request";
    }

    @Override
    public Produced produce(String topic, byte[] value, Acks acks, Duration duration) throws Exception {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int i = 0; i < Math.max(1, 16384 / value.length); i++) {
        batch.add(new ProducerRecord(topic, null, null, null, value, List.of()));
      }
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      ArrayDeque<long[]> sent = new ArrayDeque<>();
      ArrayDeque<CompletableFuture<?>> window = new ArrayDeque<>();
      List<Long> latencies = new ArrayList<>();
      long records = 0;
      while (System.nanoTime() < end || !window.isEmpty()) {
        if (System.nanoTime() < end && window.size() < 32) {
          long t = System.nanoTime();
          CompletableFuture<Long> done = courant.sendAll(batch, acks).toCompletableFuture().thenApply(x -> System.nanoTime());
          window.add(done);
          sent.add(new long[] {t});
          continue;
        }
        long t0 = sent.remove()[0];
        long t1 = (Long) window.remove().get(120, TimeUnit.SECONDS);
        latencies.add(t1 - t0);
        records += batch.size();
      }
      return new Produced(records, (System.nanoTime() - start) / 1e9, latencies.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public Consumed consume(String topic, int partitions, long records, Duration max) {
      try (CourantConsumer consumer = AllBenchmark.assignedConsumer(node, topic, partitions)) {
        return pollUntil(() -> consumer.poll(Duration.ofMillis(200)).size(), records, max);
      }
    }

    @Override
    public long[] endToEnd(String topic, int partitions, byte[] value, Acks acks, int count) throws Exception {
      try (CourantConsumer consumer = AllBenchmark.assignedConsumer(node, topic, partitions)) {
        ProducerRecord record = new ProducerRecord(topic, null, null, null, value, List.of());
        return oneAtATime(count, () -> courant.send(record, acks).toCompletableFuture().get(30, TimeUnit.SECONDS),
            () -> consumer.poll(Duration.ofMillis(100)).size());
      }
    }
  }

  /** {@code Producer.plainSink} and {@code Consumer.plainSource}. */
  static final class Stream implements Surface {
    private final CourantNode node;

    Stream(CourantNode node) {
      this.node = node;
    }

    @Override
    public String name() {
      return "Streams";
    }

    @Override
    public String produceLatencyIs() {
      return "none";
    }

    private ProducerSettings<byte[], byte[]> producerSettings(Acks acks) {
      return ProducerSettings.create(node.system(), new ByteArraySerializer(), new ByteArraySerializer())
          .withProperty("acks", acks == Acks.LEADER ? "1" : "all");
    }

    private ConsumerSettings<byte[], byte[]> consumerSettings() {
      return ConsumerSettings.create(node.system(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
          .withProperty("auto.offset.reset", "earliest").withProperty("max.poll.records", "10000");
    }

    private static java.util.Set<TopicPartition> assignment(String topic, int partitions) {
      java.util.Set<TopicPartition> all = new HashSet<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topic, p));
      }
      return all;
    }

    @Override
    public Produced produce(String topic, byte[] value, Acks acks, Duration duration) throws Exception {
      AtomicLong count = new AtomicLong();
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      Source.repeat(io.courant.stream.ProducerRecord.<byte[], byte[]>of(topic, value))
          .takeWhile(r -> System.nanoTime() < end)
          .map(r -> {
            count.incrementAndGet();
            return r;
          })
          .runWith(Producer.plainSink(producerSettings(acks)), node.system())
          .toCompletableFuture().get(duration.toSeconds() + 120, TimeUnit.SECONDS);
      return new Produced(count.get(), (System.nanoTime() - start) / 1e9, null);
    }

    @Override
    public Consumed consume(String topic, int partitions, long records, Duration max) throws Exception {
      long start = System.nanoTime();
      AtomicLong read = new AtomicLong();
      var run = Consumer.plainSource(consumerSettings(), Subscriptions.assignment(assignment(topic, partitions)))
          .takeWithin(max)
          .map(r -> read.incrementAndGet())
          .takeWhile(n -> n < records, true)
          .toMat(Sink.ignore(), Keep.both())
          .run(node.system());
      run.second().toCompletableFuture().get(max.toSeconds() + 60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      run.first().isShutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return new Consumed(read.get(), seconds);
    }

    @Override
    public long[] endToEnd(String topic, int partitions, byte[] value, Acks acks, int count) throws Exception {
      AtomicReference<CompletableFuture<Void>> arrived = new AtomicReference<>(new CompletableFuture<>());
      var consumer = Consumer.plainSource(consumerSettings(), Subscriptions.assignment(assignment(topic, partitions)))
          .toMat(Sink.foreach(r -> arrived.get().complete(null)), Keep.both())
          .run(node.system());
      Pair<BoundedSourceQueue<io.courant.stream.ProducerRecord<byte[], byte[]>>, java.util.concurrent.CompletionStage<org.apache.pekko.Done>>
          producer = Source.<io.courant.stream.ProducerRecord<byte[], byte[]>>queue(16)
              .toMat(Producer.plainSink(producerSettings(acks).withProperty("linger.ms", "0")), Keep.both())
              .run(node.system());
      try {
        io.courant.stream.ProducerRecord<byte[], byte[]> record = io.courant.stream.ProducerRecord.of(topic, value);
        return oneAtATime(count, () -> {
          arrived.set(new CompletableFuture<>());
          producer.first().offer(record);
        }, () -> {
          try {
            arrived.get().get(100, TimeUnit.MILLISECONDS);
            return 1;
          } catch (java.util.concurrent.TimeoutException e) {
            return 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      } finally {
        producer.first().complete();
        producer.second().toCompletableFuture().get(60, TimeUnit.SECONDS);
        consumer.first().shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** The bridge-style HTTP API: binary embedded format, 4 closed-loop clients; one consumer instance. */
  static final class Http implements Surface {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private int instances;

    Http(CourantNode node) {
      this.base = "http://127.0.0.1:" + node.httpPort();
    }

    @Override
    public String name() {
      return "HTTP";
    }

    @Override
    public String produceLatencyIs() {
      return "request";
    }

    @Override
    public boolean supportsAcks(Acks acks) {
      return acks == Acks.ALL;
    }

    @Override
    public String acksNote() {
      return "HTTP produces with the node's `courant.client.acks` (all by default), so it has no acks=1 rows.";
    }

    private static String records(byte[] value, int n) {
      String v = Base64.getEncoder().encodeToString(value);
      StringBuilder b = new StringBuilder("{\"records\":[");
      for (int i = 0; i < n; i++) {
        b.append(i == 0 ? "" : ",").append("{\"value\":\"").append(v).append("\"}");
      }
      return b.append("]}").toString();
    }

    @Override
    public Produced produce(String topic, byte[] value, Acks acks, Duration duration) throws Exception {
      String body = records(value, 100);
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      AtomicLong records = new AtomicLong();
      List<Future<List<Long>>> loops = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        loops.add(threads.submit(() -> {
          List<Long> latencies = new ArrayList<>();
          while (System.nanoTime() < end) {
            long t = System.nanoTime();
            check(send(base + "/topics/" + topic, "POST", BINARY, body), 200);
            latencies.add(System.nanoTime() - t);
            records.addAndGet(100);
          }
          return latencies;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : loops) {
        all.addAll(f.get(duration.toSeconds() + 120, TimeUnit.SECONDS));
      }
      return new Produced(records.get(), (System.nanoTime() - start) / 1e9, all.stream().mapToLong(Long::longValue).toArray());
    }

    /** A new consumer instance (binary format) with the topic's partitions assigned; returns its base URI. */
    private String instance(String topic, int partitions) throws Exception {
      String name = "bench-" + (++instances);
      HttpResponse<String> r = send(base + "/consumers/bench-all", "POST", V2, "{\"name\":\"" + name
          + "\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\",\"enable.auto.commit\":false,\"max.poll.records\":10000}");
      check(r, 200);
      String uri = MAPPER.readTree(r.body()).get("base_uri").asText();
      StringBuilder b = new StringBuilder("{\"partitions\":[");
      for (int p = 0; p < partitions; p++) {
        b.append(p == 0 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"partition\":").append(p).append('}');
      }
      check(send(uri + "/assignments", "POST", V2, b.append("]}").toString()), 204);
      return uri;
    }

    private long poll(String instance, int timeoutMs) {
      try {
        HttpResponse<String> r = send(instance + "/records?timeout=" + timeoutMs + "&max_bytes=8388608", "GET", BINARY, null);
        check(r, 200);
        JsonNode records = MAPPER.readTree(r.body());
        return records.size();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Consumed consume(String topic, int partitions, long records, Duration max) throws Exception {
      String instance = instance(topic, partitions);
      try {
        return pollUntil(() -> poll(instance, 500), records, max);
      } finally {
        send(instance, "DELETE", V2, null);
      }
    }

    @Override
    public long[] endToEnd(String topic, int partitions, byte[] value, Acks acks, int count) throws Exception {
      String instance = instance(topic, partitions);
      String body = records(value, 1);
      try {
        return oneAtATime(count, () -> check(send(base + "/topics/" + topic, "POST", BINARY, body), 200), () -> poll(instance, 100));
      } finally {
        send(instance, "DELETE", V2, null);
      }
    }

    private HttpResponse<String> send(String url, String method, String contentType, String body) throws Exception {
      return HttpBenchmark.send(http, url, method, contentType, body);
    }

    private static void check(HttpResponse<String> r, int status) {
      HttpBenchmark.check(r, status);
    }

    @Override
    public void close() {
      threads.shutdownNow();
    }
  }

  /** kafka-clients 4.3.1's KafkaProducer and KafkaConsumer over the node's Kafka listener. */
  static final class Kafka implements Surface {
    private final String bootstrap;

    Kafka(CourantNode node) {
      this.bootstrap = "127.0.0.1:" + node.kafkaPort();
    }

    @Override
    public String name() {
      return "Kafka protocol";
    }

    @Override
    public String produceLatencyIs() {
      return "record";
    }

    private KafkaProducer<byte[], byte[]> producer(Acks acks, boolean noLinger) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, acks == Acks.LEADER ? "1" : "all");
      if (noLinger) {
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      }
      return new KafkaProducer<>(p, new org.apache.kafka.common.serialization.ByteArraySerializer(),
          new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic, int partitions) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
      KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      List<org.apache.kafka.common.TopicPartition> all = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        all.add(new org.apache.kafka.common.TopicPartition(topic, i));
      }
      c.assign(all);
      return c;
    }

    @Override
    public Produced produce(String topic, byte[] value, Acks acks, Duration duration) throws Exception {
      long[] latencies = new long[1 << 22];
      AtomicLong done = new AtomicLong();
      long sent = 0;
      try (KafkaProducer<byte[], byte[]> producer = producer(acks, false)) {
        // The producer's first send waits for its id and the topic's metadata: before the clock starts (read back by consume).
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
          long t = System.nanoTime();
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, value), (md, e) -> {
            if (e != null) {
              throw new IllegalStateException(e);
            }
            long i = done.getAndIncrement();
            if (i < latencies.length) {
              latencies[(int) i] = System.nanoTime() - t;
            }
          });
          sent++;
        }
        producer.flush();
        return new Produced(sent, (System.nanoTime() - start) / 1e9, java.util.Arrays.copyOf(latencies, (int) Math.min(sent, latencies.length)));
      }
    }

    @Override
    public Consumed consume(String topic, int partitions, long records, Duration max) {
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic, partitions)) {
        return pollUntil(() -> consumer.poll(Duration.ofMillis(200)).count(), records, max);
      }
    }

    @Override
    public long[] endToEnd(String topic, int partitions, byte[] value, Acks acks, int count) throws Exception {
      try (KafkaProducer<byte[], byte[]> producer = producer(acks, true);
          KafkaConsumer<byte[], byte[]> consumer = consumer(topic, partitions)) {
        var record = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(topic, value);
        return oneAtATime(count, () -> producer.send(record).get(30, TimeUnit.SECONDS), () -> consumer.poll(Duration.ofMillis(100)).count());
      }
    }
  }
}
