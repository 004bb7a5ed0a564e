package io.courant.log;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.courant.client.FetchResult;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.RecordMetadata;
import io.courant.client.TopicPartition;
import io.courant.log.Partition.Acks;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** One node holds a topic of 1,000 partitions, each a live sharded entity with its own journal. */
class ThousandPartitionsTest {

  @Test
  void aNodeHoldsAThousandPartitions() {
    try (TestNode node = TestNode.start()) {
      String topic = uniqueTopic("wide");
      int partitions = 1000;
      await(node.courant().createTopic(new NewTopic(topic, partitions)));
      long start = System.nanoTime();
      List<CompletionStage<RecordMetadata>> sends = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (int p = 0; p < partitions; p++) {
          sends.add(node.courant().send(ProducerRecord.of(topic, null, "p" + p + "r" + round).withPartition(p), Acks.ALL));
        }
        for (CompletionStage<RecordMetadata> s : sends) {
          assertEquals(round, await(s).offset());
        }
        sends.clear();
      }
      for (int p = 0; p < partitions; p++) {
        FetchResult r = await(node.courant().fetch(new TopicPartition(topic, p), 0, 1 << 16, Duration.ZERO));
        assertEquals(List.of("p" + p + "r0", "p" + p + "r1"), r.records().stream().map(rec -> rec.valueString()).toList());
      }
      System.out.printf("1000 partitions: 2000 appends and 1000 fetches in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
  }
}
