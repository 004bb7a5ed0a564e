package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.client.ConsumerRecord;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's kcat (librdkafka) against a Courant node: metadata, produce, consume, group consume. */
class KcatTest {
  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients();

  @BeforeAll
  static void kcatIsInstalled() {
    assumeTrue(ExternalClient.kcatInstalled(), "kcat is not installed (.ci/install-test-clients installs it)");
  }

  private static ExternalClient.Result kcat(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kcat", "-b", kafka.bootstrap()));
    command.addAll(List.of(args));
    return ExternalClient.run(command, null, stdin, Duration.ofSeconds(90)).succeeded();
  }

  private static String topicWithRecords(String prefix, int partitions, int records) {
    String topic = TestNode.uniqueTopic(prefix);
    TestNode.await(kafka.courant().createTopic(new NewTopic(topic, partitions)));
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      batch.add(ProducerRecord.of(topic, "k" + i, "v" + i).withPartition(i % partitions));
    }
    TestNode.await(kafka.courant().sendAll(batch, Acks.ALL));
    return topic;
  }

  @Test
  void metadataListsTheTopicsAndThisNodeAsBroker() throws Exception {
    String topic = topicWithRecords("kcat-meta", 3, 0);
    JsonNode metadata = new ObjectMapper().readTree(kcat("", "-L", "-J").stdout());
    assertEquals("127.0.0.1:" + kafka.port(), metadata.get("brokers").get(0).get("name").asText());
    boolean found = false;
    for (JsonNode t : metadata.get("topics")) {
      if (t.get("topic").asText().equals(topic)) {
        found = true;
        assertEquals(3, t.get("partitions").size());
        assertEquals(metadata.get("brokers").get(0).get("id").asInt(), t.get("partitions").get(0).get("leader").asInt());
      }
    }
    assertTrue(found, "kcat sees the topic created through the Java API");
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  void anIdempotentKcatProducerWritesBatchesCompressedAsItSentThem(String codec) throws Exception {
    String topic = TestNode.uniqueTopic("kcat-" + codec);
    TestNode.await(kafka.courant().createTopic(new NewTopic(topic, 1)));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      lines.append("key").append(i).append(':').append(codec).append("-value-").append(i).append('\n');
    }
    kcat(lines.toString(), "-t", topic, "-P", "-K:", "-z", codec, "-X", "enable.idempotence=true", "-X", "linger.ms=50");

    TopicPartition tp = new TopicPartition(topic, 0);
    List<ConsumerRecord> records = TestNode.await(kafka.courant().fetch(tp, 0, 1 << 20, Duration.ofSeconds(5))).records();
    assertEquals(30, records.size(), "the Java API reads what kcat wrote");
    assertEquals("key7", records.get(7).keyString());
    assertEquals(codec + "-value-7", records.get(7).valueString());
    var stored = TestNode.await(kafka.courant().fetchBatches(tp, 0, 1 << 20, 1, Duration.ofSeconds(1)));
    var batch = MemoryRecords.readableRecords(ByteBuffer.wrap(stored.batches())).batches().iterator().next();
    assertEquals(CompressionType.forName(codec), batch.compressionType(), "stored as librdkafka compressed it");
    assertTrue(batch.hasProducerId(), "librdkafka's idempotent producer got a producer id");
  }

  @Test
  void kcatConsumesRecordsWrittenThroughTheJavaApi() throws Exception {
    String topic = topicWithRecords("kcat-consume", 1, 25);
    String out = kcat("", "-t", topic, "-C", "-o", "beginning", "-e", "-f", "%k=%s@%o\\n").stdout();
    List<String> lines = out.lines().toList();
    assertEquals(25, lines.size(), out);
    assertEquals("k0=v0@0", lines.get(0));
    assertEquals("k24=v24@24", lines.get(24));
  }

  @Test
  void aKcatGroupConsumerReadsEveryPartitionAndCommits() throws Exception {
    String topic = topicWithRecords("kcat-group", 3, 60);
    String group = TestNode.uniqueTopic("kcat-g");
    String out = kcat("", "-G", group, topic, "-X", "auto.offset.reset=earliest", "-e", "-f", "%s\\n").stdout();
    Set<String> values = new TreeSet<>(out.lines().toList());
    assertEquals(60, values.size(), out);
    var committed = TestNode.await(kafka.courant().committedOffsets(group, List.of()));
    assertEquals(3, committed.size(), "the group committed every partition: " + committed);
    committed.values().forEach(o -> assertEquals(20, o.offset()));
  }
}
