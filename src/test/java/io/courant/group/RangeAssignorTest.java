package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Range must deal exactly as Kafka's {@code RangeAssignor} does. */
class RangeAssignorTest {
  private final RangeAssignor range = new RangeAssignor();

  @Test
  void rangeGivesContiguousPartitionsPerTopic() {
    Map<String, List<TopicPartition>> assignment = range.assign(Map.of("t0", 3, "t1", 3),
        Map.of("c0", new Subscription(List.of("t0", "t1")), "c1", new Subscription(List.of("t0", "t1"))));

    assertEquals(Map.of("c0", List.of(tp("t0", 0), tp("t0", 1), tp("t1", 0), tp("t1", 1)), "c1", List.of(tp("t0", 2), tp("t1", 2))),
        assignment);
  }

  @Test
  void rangeGivesTheFirstMembersOneExtraPartition() {
    Map<String, List<TopicPartition>> assignment = range.assign(Map.of("t", 8),
        Map.of("c", new Subscription(List.of("t")), "a", new Subscription(List.of("t")), "b", new Subscription(List.of("t"))));

    assertEquals(Map.of("a", List.of(tp("t", 0), tp("t", 1), tp("t", 2)), "b", List.of(tp("t", 3), tp("t", 4), tp("t", 5)),
        "c", List.of(tp("t", 6), tp("t", 7))), assignment);
  }

  @Test
  void rangePutsStaticMembersFirstByInstanceId() {
    Map<String, List<TopicPartition>> assignment = range.assign(Map.of("t", 3), Map.of(
        "a", new Subscription(List.of("t")),
        "z", new Subscription(List.of("t"), List.of(), Optional.empty(), Optional.of("instance-1"))));

    assertEquals(Map.of("z", List.of(tp("t", 0), tp("t", 1)), "a", List.of(tp("t", 2))), assignment);
  }

  @Test
  void everyMemberIsListedEvenWithNothingToRead() {
    Map<String, List<TopicPartition>> assignment = range.assign(Map.of("t", 1, "other", 4), Map.of(
        "a", new Subscription(List.of("t")), "b", new Subscription(List.of("t")), "c", new Subscription(List.of("missing"))));

    assertEquals(Map.of("a", List.of(tp("t", 0)), "b", List.of(), "c", List.of()), assignment);
  }

  @Test
  void rangeEqualsKafkasRangeAssignorForThousandsOfRandomGroups() {
    Random random = new Random(42);
    var kafka = new org.apache.kafka.clients.consumer.RangeAssignor();
    for (int i = 0; i < 3_000; i++) {
      KafkaAssignors.Group group = KafkaAssignors.randomGroup(random);
      assertEquals(KafkaAssignors.assign(kafka, group), range.assign(group.partitionsPerTopic(), group.subscriptions()),
          () -> "for " + group);
    }
  }

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }
}
