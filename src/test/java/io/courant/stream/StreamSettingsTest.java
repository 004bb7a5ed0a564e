package io.courant.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.log.Partition.Acks;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.ByteArraySerializer;
import io.courant.stream.serialization.JsonDeserializer;
import io.courant.stream.serialization.JsonSerializer;
import io.courant.stream.serialization.LongDeserializer;
import io.courant.stream.serialization.LongSerializer;
import io.courant.stream.serialization.SerializationException;
import io.courant.stream.serialization.StringDeserializer;
import io.courant.stream.serialization.StringSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings and serializers: no infrastructure. */
class StreamSettingsTest {
  private static final Config CONFIG = ConfigFactory.load();

  private static ProducerSettings<String, String> producer() {
    return ProducerSettings.create(CONFIG.getConfig("courant.producer"), new StringSerializer(), new StringSerializer());
  }

  private static ConsumerSettings<String, String> consumer() {
    return ConsumerSettings.create(CONFIG.getConfig("courant.consumer"), new StringDeserializer(), new StringDeserializer());
  }

  @Test
  void defaultsComeFromHocon() {
    ProducerSettings<String, String> p = producer();
    assertEquals(Acks.ALL, p.acks());
    assertEquals(16384, p.batchSize());
    assertEquals(Duration.ofMillis(5), p.linger());
    assertEquals(33554432L, p.bufferMemory());
    assertEquals(5, p.maxInFlightPerPartition());
    assertEquals(64, p.maxBatchesInFlight());

    ConsumerSettings<String, String> c = consumer();
    assertEquals(Duration.ofMillis(100), c.pollTimeout());
    assertEquals(Duration.ofSeconds(1), c.idlePollInterval());
    assertEquals("courant.stream.consumer-dispatcher", c.dispatcher());
    assertFalse(c.toClientSettings().enableAutoCommit());
    assertEquals("", c.groupId());

    CommitterSettings k = CommitterSettings.create(CONFIG.getConfig("courant.committer"));
    assertEquals(1000, k.maxBatch());
    assertEquals(Duration.ofSeconds(10), k.maxInterval());
    assertEquals(100, k.parallelism());
  }

  @Test
  void withReturnsAChangedCopyAndLeavesTheOriginalAlone() {
    ProducerSettings<String, String> p = producer();
    ProducerSettings<String, String> p2 = p.withProperty("linger.ms", "20").withMaxBatchesInFlight(3);
    assertEquals(Duration.ofMillis(5), p.linger());
    assertEquals(Duration.ofMillis(20), p2.linger());
    assertEquals(3, p2.maxBatchesInFlight());

    ConsumerSettings<String, String> c = consumer();
    ConsumerSettings<String, String> c2 = c.withGroupId("billing").withPollTimeout(Duration.ofMillis(300));
    assertEquals("", c.groupId());
    assertEquals("billing", c2.groupId());
    assertEquals(Duration.ofMillis(300), c2.pollTimeout());

    CommitterSettings k = CommitterSettings.create(CONFIG.getConfig("courant.committer"));
    assertEquals(7, k.withMaxBatch(7).maxBatch());
    assertEquals(1000, k.maxBatch());
  }

  @Test
  void kafkaKeysAreAcceptedThroughWithProperty() {
    ConsumerSettings<String, String> c = consumer().withGroupId("g").withProperty("auto.offset.reset", "earliest")
        .withProperty("max.poll.records", "42").withProperty("partition.assignment.strategy", "cooperative-sticky");
    assertEquals("earliest", c.toClientSettings().autoOffsetReset());
    assertEquals(42, c.toClientSettings().maxPollRecords());
    assertEquals(List.of("cooperative-sticky"), c.toClientSettings().assignmentStrategies());
    assertEquals("42", c.property("max.poll.records"));

    ProducerSettings<String, String> p = producer().withProperty("acks", "1").withProperty("batch.size", "1000");
    assertEquals(Acks.LEADER, p.acks());
    assertEquals(1000, p.batchSize());
  }

  @Test
  void kafkaKeysInHoconMayBeQuotedOrNot() {
    Config config = ConfigFactory.parseString("kafka-clients { \"auto.offset.reset\" = earliest\n max.poll.records = 7 }")
        .withFallback(CONFIG.getConfig("courant.consumer"));
    ConsumerSettings<String, String> c = ConsumerSettings.create(config, new StringDeserializer(), new StringDeserializer());
    assertEquals("earliest", c.toClientSettings().autoOffsetReset());
    assertEquals(7, c.toClientSettings().maxPollRecords());
    assertFalse(c.toClientSettings().enableAutoCommit(), "the reference default is kept");
  }

  @Test
  void unknownKeysAndBadValuesAreRefusedWithWhatIsAllowed() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> producer().withProperty("bootstrap.servers", "x:9092"));
    assertTrue(unknown.getMessage().contains("linger.ms"), unknown.getMessage());
    var acks = assertThrows(IllegalArgumentException.class, () -> producer().withProperty("acks", "2"));
    assertTrue(acks.getMessage().contains("acks must be"), acks.getMessage());
    assertThrows(IllegalArgumentException.class, () -> producer().withProperty("linger.ms", "-1"));
    var compression = assertThrows(IllegalArgumentException.class, () -> producer().withProperty("compression.type", "brotli"));
    assertTrue(compression.getMessage().contains("[none, gzip, snappy, lz4, zstd]"), compression.getMessage());
    var reset = assertThrows(IllegalArgumentException.class, () -> consumer().withProperty("auto.offset.reset", "oldest"));
    assertTrue(reset.getMessage().contains("earliest, latest or none"), reset.getMessage());
    assertThrows(IllegalArgumentException.class, () -> consumer().withProperty("no.such.key", "1"));
    assertThrows(IllegalArgumentException.class, () -> consumer().withPollTimeout(Duration.ZERO));
  }

  @Test
  void committableSourcesNeedAGroup() {
    var e = assertThrows(IllegalArgumentException.class, () -> Consumer.committableSource(consumer(), Subscriptions.topics("t")));
    assertTrue(e.getMessage().contains("withGroupId"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Consumer.plainSource(consumer(), Subscriptions.topics("t")));
  }

  record Order(String id, int qty) {}

  @Test
  void serializersRoundTrip() {
    assertEquals("héllo", new StringDeserializer().deserialize("t", new StringSerializer().serialize("t", "héllo")));
    assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), new StringSerializer().serialize("t", "héllo"));
    assertNull(new StringSerializer().serialize("t", null));
    byte[] raw = {1, 2, 3};
    assertArrayEquals(raw, new ByteArrayDeserializer().deserialize("t", new ByteArraySerializer().serialize("t", raw)));
    assertEquals(-42L, new LongDeserializer().deserialize("t", new LongSerializer().serialize("t", -42L)));
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 1, 0}, new LongSerializer().serialize("t", 256L), "Kafka's big-endian format");
    Order order = new Order("o-1", 3);
    byte[] json = new JsonSerializer<Order>().serialize("t", order);
    assertEquals("{\"id\":\"o-1\",\"qty\":3}", new String(json, StandardCharsets.UTF_8));
    assertEquals(order, new JsonDeserializer<>(Order.class).deserialize("t", json));
  }

  @Test
  void badBytesFailDeserializationWithATypedError() {
    assertThrows(SerializationException.class, () -> new LongDeserializer().deserialize("t", new byte[3]));
    assertThrows(SerializationException.class,
        () -> new JsonDeserializer<>(Order.class).deserialize("t", "not json".getBytes(StandardCharsets.UTF_8)));
  }
}
