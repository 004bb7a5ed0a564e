package io.courant.kafka;

import static io.courant.http.HttpNode.BINARY_V2;
import static io.courant.http.HttpNode.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.client.ConsumerRecord;
import io.courant.client.TopicPartition;
import io.courant.http.HttpNode;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node, three surfaces on the same partitions: records a KafkaProducer wrote are read through
 * the Java API and by an HTTP bridge consumer, and records produced over HTTP are read by a
 * KafkaConsumer — keys, values, headers and partitions as written.
 */
class KafkaHttpMixedTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();
  private static KafkaListener kafka;

  @BeforeAll
  static void listen() {
    kafka = KafkaListener.start(node.system(),
        KafkaSettings.create(node.system().settings().config().getConfig("courant.kafka")).withPort(0));
  }

  private static String bootstrap() {
    return "127.0.0.1:" + kafka.port();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(JsonNode n) {
    return new String(Base64.getDecoder().decode(n.asText()), StandardCharsets.UTF_8);
  }

  private static String newTopic(String prefix) {
    String topic = TestNode.uniqueTopic(prefix);
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":2}").status());
    return topic;
  }

  @Test
  void recordsOfAKafkaProducerAreReadThroughTheJavaApiAndByAnHttpConsumer() throws Exception {
    String topic = newTopic("mixed-k2h");
    int n = 40;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Map<String, Integer> partitionOfKey = new HashMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < n; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, "k" + i, "v" + i);
        r.headers().add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
        partitionOfKey.put("k" + i, producer.send(r).get(30, TimeUnit.SECONDS).partition());
      }
    }

    // The Java API.
    Map<String, String> viaJava = new HashMap<>();
    for (int partition = 0; partition < 2; partition++) {
      for (ConsumerRecord r : TestNode.await(node.courant().fetch(new TopicPartition(topic, partition), 0, 1 << 20, Duration.ZERO)).records()) {
        viaJava.put(r.keyString(), r.valueString());
        assertEquals(partitionOfKey.get(r.keyString()), r.partition());
        assertEquals("t" + r.keyString().substring(1), new String(r.headers().get(0).value(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(n, viaJava.size(), "the Java API reads every record");
    viaJava.forEach((k, v) -> assertEquals("v" + k.substring(1), v));

    // An HTTP bridge consumer (binary format: keys, values and header values in Base64).
    String group = "mixed-" + UUID.randomUUID();
    var created = node.post("/consumers/" + group, V2, "{\"name\":\"h1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(200, created.status(), created.toString());
    String instance = "/consumers/" + group + "/instances/h1";
    assertEquals(204, node.post(instance + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    List<JsonNode> polled = new ArrayList<>();
    Await.until(n + " records over HTTP", Duration.ofSeconds(60), () -> {
      var r = node.get(instance + "/records?timeout=500", BINARY_V2);
      assertEquals(200, r.status(), r.toString());
      r.json().forEach(polled::add);
      return polled.size() >= n;
    });
    assertEquals(n, polled.size());
    for (JsonNode r : polled) {
      String key = unb64(r.get("key"));
      assertEquals("v" + key.substring(1), unb64(r.get("value")));
      assertEquals((int) partitionOfKey.get(key), r.get("partition").asInt());
      assertEquals("trace", r.get("headers").get(0).get("key").asText());
      assertEquals("t" + key.substring(1), unb64(r.get("headers").get(0).get("value")));
    }
    assertEquals(204, node.delete(instance).status());
  }

  @Test
  void recordsProducedOverHttpAreReadByAKafkaConsumer() {
    String topic = newTopic("mixed-h2k");
    int n = 30;
    StringBuilder body = new StringBuilder("{\"records\":[");
    for (int i = 0; i < n; i++) {
      body.append(i == 0 ? "" : ",").append("{\"key\":\"").append(b64("k" + i)).append("\",\"value\":\"").append(b64("v" + i))
          .append("\",\"headers\":[{\"key\":\"trace\",\"value\":\"").append(b64("t" + i)).append("\"}]}");
    }
    var produced = node.post("/topics/" + topic, BINARY_V2, body.append("]}").toString());
    assertEquals(200, produced.status(), produced.toString());

    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "mixed-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      Await.until(n + " records by a KafkaConsumer", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        return read.size() >= n;
      });
      consumer.commitSync(Duration.ofSeconds(30));
    }
    assertEquals(n, read.size());
    for (var r : read) {
      int i = Integer.parseInt(r.key().substring(1));
      assertEquals("v" + i, r.value());
      assertEquals("t" + i, new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8));
      assertEquals(Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % 2, r.partition(),
          "an HTTP record's key lands where Kafka's partitioner puts it");
    }
  }

  @Test
  void metricsCountEverySurfacesTrafficAndTimeKafkaRequestsPerApi() throws Exception {
    String topic = TestNode.uniqueTopic("mixed-metrics");
    assertEquals(201, node.post("/admin/topics", V2, "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}").status());
    TopicPartition tp = new TopicPartition(topic, 0);
    // Kafka: 2 records; HTTP: 3; Java API: 1; a producer stream: 4.
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, 0, null, "k1")).get(30, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(topic, 0, null, "k2")).get(30, TimeUnit.SECONDS);
    }
    assertEquals(200, node.post("/topics/" + topic + "/partitions/0", io.courant.http.HttpNode.TEXT_V2,
        "{\"records\":[{\"value\":\"h1\"},{\"value\":\"h2\"},{\"value\":\"h3\"}]}").status());
    TestNode.await(node.courant().send(io.courant.client.ProducerRecord.of(topic, null, "j1").withPartition(0)));
    TestNode.await(org.apache.pekko.stream.javadsl.Source.range(1, 4)
        .map(i -> io.courant.stream.ProducerRecord.<String, String>of(topic, "s" + i).withPartition(0))
        .runWith(io.courant.stream.Producer.plainSink(io.courant.stream.ProducerSettings.create(node.system(), new io.courant.stream.serialization.StringSerializer(),
            new io.courant.stream.serialization.StringSerializer()).withProperty("linger.ms", "0")), node.system()));
    // Read back whole by each reader: a KafkaConsumer, a consumer stream, the Java API.
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      List<String> read = new ArrayList<>();
      Await.until("the KafkaConsumer read all 10", Duration.ofSeconds(30), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        return read.size() >= 10;
      });
    }
    List<String> streamed = TestNode.await(io.courant.stream.Consumer.plainSource(io.courant.stream.ConsumerSettings.create(node.system(),
            new io.courant.stream.serialization.StringDeserializer(), new io.courant.stream.serialization.StringDeserializer()).withProperty("auto.offset.reset", "earliest"),
        io.courant.stream.Subscriptions.assignment(tp)).take(10).map(r -> r.value())
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), node.system()));
    assertEquals(10, streamed.size());

    List<String> lines = node.get("/metrics").body().lines().toList();
    String labels = "{topic=\"" + topic + "\",partition=\"0\"}";
    assertEquals(10, sample(lines, "courant_partition_appended_records_total" + labels), "Kafka 2 + HTTP 3 + Java API 1 + stream 4");
    assertEquals(3, sample(lines, "courant_http_produced_records_total" + labels), "the HTTP share");
    assertTrue(sample(lines, "courant_partition_fetched_records_total" + labels) >= 20, "the KafkaConsumer's 10 and the stream's 10");
    assertTrue(sample(lines, "courant_partition_appended_bytes_total" + labels) > 10 * 2);
    for (String api : List.of("Produce", "Fetch", "Metadata", "ApiVersions", "ListOffsets")) {
      String series = "courant_kafka_request_duration_seconds_count{request=\"" + api + "\"}";
      assertTrue(sample(lines, series) >= 1, series);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("courant_kafka_request_duration_seconds_bucket{request=\"" + api
          + "\",le=\"+Inf\"} ")), api + " buckets");
    }
    assertTrue(sample(lines, "courant_kafka_request_duration_seconds_count{request=\"Produce\"}") >= 2, "one Produce per send().get()");
    assertTrue(lines.contains("# TYPE courant_kafka_request_duration_seconds histogram"));
  }

  private static long sample(List<String> lines, String series) {
    return lines.stream().filter(l -> l.startsWith(series + " ")).map(l -> (long) Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + String.join("\n", lines)));
  }
}
