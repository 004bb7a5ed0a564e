package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round-robin must deal exactly as Kafka's {@code RoundRobinAssignor} does. */
class RoundRobinAssignorTest {
  private final RoundRobinAssignor roundRobin = new RoundRobinAssignor();

  @Test
  void roundRobinDealsSortedPartitionsOverSortedMembers() {
    Map<String, List<TopicPartition>> assignment = roundRobin.assign(Map.of("t1", 3, "t0", 3),
        Map.of("c1", new Subscription(List.of("t0", "t1")), "c0", new Subscription(List.of("t1", "t0"))));

    assertEquals(Map.of("c0", List.of(tp("t0", 0), tp("t0", 2), tp("t1", 1)), "c1", List.of(tp("t0", 1), tp("t1", 0), tp("t1", 2))),
        assignment);
  }

  @Test
  void roundRobinSkipsMembersNotSubscribedToTheTopic() {
    Map<String, List<TopicPartition>> assignment = roundRobin.assign(Map.of("t0", 1, "t1", 2, "t2", 3), Map.of(
        "c0", new Subscription(List.of("t0")),
        "c1", new Subscription(List.of("t0", "t1")),
        "c2", new Subscription(List.of("t0", "t1", "t2"))));

    assertEquals(Map.of("c0", List.of(tp("t0", 0)), "c1", List.of(tp("t1", 0)),
        "c2", List.of(tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2))), assignment);
  }

  @Test
  void roundRobinPutsStaticMembersFirstByInstanceId() {
    Map<String, List<TopicPartition>> assignment = roundRobin.assign(Map.of("t", 3), Map.of(
        "a", new Subscription(List.of("t")),
        "z", new Subscription(List.of("t"), List.of(), Optional.empty(), Optional.of("instance-1"))));

    assertEquals(Map.of("z", List.of(tp("t", 0), tp("t", 2)), "a", List.of(tp("t", 1))), assignment);
  }

  @Test
  void roundRobinIgnoresTopicsThatDoNotExist() {
    Map<String, List<TopicPartition>> assignment = roundRobin.assign(Map.of("t", 2),
        Map.of("a", new Subscription(List.of("missing")), "b", new Subscription(List.of("t", "missing"))));

    assertEquals(Map.of("a", List.of(), "b", List.of(tp("t", 0), tp("t", 1))), assignment);
  }

  @Test
  void roundRobinEqualsKafkasRoundRobinAssignorForThousandsOfRandomGroups() {
    Random random = new Random(43);
    var kafka = new org.apache.kafka.clients.consumer.RoundRobinAssignor();
    for (int i = 0; i < 3_000; i++) {
      KafkaAssignors.Group group = KafkaAssignors.randomGroup(random);
      assertEquals(KafkaAssignors.assign(kafka, group), roundRobin.assign(group.partitionsPerTopic(), group.subscriptions()),
          () -> "for " + group);
    }
  }

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }
}
