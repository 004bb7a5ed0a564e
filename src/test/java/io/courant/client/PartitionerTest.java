package io.courant.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Keys must land on the partitions Kafka's own producer chooses for them. */
class PartitionerTest {

  @Test
  void murmur2EqualsKafkasForRandomKeysOfEveryLength() {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      byte[] key = new byte[random.nextInt(64)];
      random.nextBytes(key);
      assertEquals(Utils.murmur2(key), Partitioner.murmur2(key), () -> "key of " + key.length + " bytes");
    }
  }

  @Test
  void keyedRecordsGoToKafkasPartitionForThousandsOfKeys() {
    int[] partitionCounts = {1, 2, 3, 8, 12, 100, 1000};
    for (int n = 0; n < 5_000; n++) {
      byte[] key = ("user-" + n).getBytes(StandardCharsets.UTF_8);
      for (int partitions : partitionCounts) {
        assertEquals(BuiltInPartitioner.partitionForKey(key, partitions), Partitioner.partitionForKey(key, partitions),
            "key user-" + n + " over " + partitions + " partitions");
      }
    }
  }

  @Test
  void unkeyedRecordsStickToAPartitionThenMoveOn() {
    Partitioner p = new Partitioner();
    int first = p.nextStickyPartition(4);
    int second = p.nextStickyPartition(4);
    assertEquals((first + 1) % 4, second);
  }
}
