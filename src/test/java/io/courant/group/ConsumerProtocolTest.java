package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.courant.client.TopicPartition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;

/** Courant's consumers and Kafka's clients read each other's subscriptions and assignments. */
class ConsumerProtocolTest {
  private static final List<TopicPartition> OWNED = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 3));

  @Test
  void subscriptionsOfEveryVersionKafkaClientsSendAreRead() {
    var kafkaOwned = List.of(new org.apache.kafka.common.TopicPartition("orders", 0), new org.apache.kafka.common.TopicPartition("orders", 3));
    for (short version = 0; version <= 3; version++) {
      var sent = new ConsumerPartitionAssignor.Subscription(List.of("orders", "refunds"), null, kafkaOwned, 7, Optional.of("rack-a"));
      byte[] bytes = bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(sent, version));
      var read = ConsumerProtocol.decodeSubscription(bytes, "instance-1");
      assertEquals(List.of("orders", "refunds"), read.topics(), "version " + version);
      assertEquals(version >= 1 ? OWNED : List.of(), read.ownedPartitions(), "owned partitions arrive from version 1");
      assertEquals(version >= 2 ? Optional.of(7) : Optional.empty(), read.generationId(), "the generation arrives from version 2");
      assertEquals(Optional.of("instance-1"), read.groupInstanceId());
    }
  }

  @Test
  void kafkaClientsReadCourantsSubscriptionAndAssignment() {
    var subscription = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(
        ByteBuffer.wrap(ConsumerProtocol.encodeSubscription(List.of("orders"), OWNED, 4)));
    assertEquals(List.of("orders"), subscription.topics());
    assertEquals(2, subscription.ownedPartitions().size());
    assertEquals(Optional.of(4), subscription.generationId());

    var assignment = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeAssignment(
        ByteBuffer.wrap(ConsumerProtocol.encodeAssignment(OWNED)));
    assertEquals(List.of(new org.apache.kafka.common.TopicPartition("orders", 0), new org.apache.kafka.common.TopicPartition("orders", 3)),
        assignment.partitions());
    assertEquals(OWNED, ConsumerProtocol.decodeAssignment(ConsumerProtocol.encodeAssignment(OWNED)));
    assertEquals(Optional.empty(), ConsumerProtocol.decodeSubscription(ConsumerProtocol.encodeSubscription(List.of("a"), List.of(), -1), null)
        .generationId(), "generation -1 means none");
  }

  @Test
  void bytesThatAreNotTheConsumerProtocolAreRefusedWithAClearError() {
    var e = assertThrows(IllegalArgumentException.class, () -> ConsumerProtocol.decodeSubscription(new byte[] {0, 9, 1}, null));
    assertEquals(true, e.getMessage().startsWith("not a consumer protocol subscription (3 bytes)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConsumerProtocol.decodeAssignment(new byte[] {0, 0, 0, 0, 0, 5}));
    assertEquals(List.of(), ConsumerProtocol.decodeAssignment(new byte[0]));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
