package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.client.TopicPartition;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** npm's kafkajs against a Courant node (src/test/node/kafkajs-scenario.js). */
class KafkajsTest {
  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients();

  @Test
  void kafkajsAdministersProducesIdempotentlyAndConsumesInAGroup() throws Exception {
    Path dir = ExternalClient.kafkajsDirectory();
    assumeTrue(dir != null, "node or kafkajs is not installed (.ci/install-test-clients installs them)");
    String topic = TestNode.uniqueTopic("kafkajs");
    String group = TestNode.uniqueTopic("kafkajs-g");
    var result = ExternalClient.run(List.of("node", "kafkajs-scenario.js", kafka.bootstrap(), topic, group), dir, "",
        Duration.ofSeconds(120)).succeeded();
    JsonNode summary = new ObjectMapper().readTree(result.stdout().lines().reduce((a, b) -> b).orElse("{}"));

    assertTrue(summary.get("listed").asBoolean(), "kafkajs created and listed the topic");
    assertEquals(2, summary.get("partitions").asInt());
    Set<String> seen = new HashSet<>();
    summary.get("seen").forEach(v -> seen.add(v.asText()));
    assertEquals(200, seen.size(), "the group consumer read every record once: " + summary.get("seen"));
    assertTrue(seen.containsAll(List.of("plain-0", "gzip-49", "snappy-0", "lz4-49")));
    long committed = 0;
    for (JsonNode o : summary.get("committed")) {
      committed += o.asLong();
    }
    assertEquals(200, committed, "the group committed the end of both partitions");
    assertTrue(summary.get("groupListed").asBoolean());
    assertEquals("Empty", summary.get("groupState").asText());

    int fromJava = 0;
    Set<CompressionType> stored = new HashSet<>();
    for (int p = 0; p < 2; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      fromJava += TestNode.await(kafka.courant().fetch(tp, 0, 1 << 20, Duration.ofSeconds(1))).records().size();
      var batches = TestNode.await(kafka.courant().fetchBatches(tp, 0, 1 << 20, 1, Duration.ofSeconds(1)));
      for (RecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(batches.batches())).batches()) {
        stored.add(b.compressionType());
        assertTrue(b.hasProducerId(), "kafkajs' idempotent producer got a producer id");
      }
    }
    assertEquals(200, fromJava, "the Java API reads what kafkajs wrote");
    assertEquals(Set.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4), stored,
        "kafkajs' batches are stored compressed as it sent them");
  }
}
