package io.courant.group;

import io.courant.client.TopicPartition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;

/**
 * Kafka's consumer embedded protocol (protocol type {@code "consumer"}): how a member's
 * subscription travels in JoinGroup and its assignment in SyncGroup. Courant's consumer uses the
 * same bytes as Kafka's, through kafka-clients' own codec, so Courant consumers and Kafka clients
 * can be members of one group and either can be its leader.
 */
public final class ConsumerProtocol {
  /** The protocol type of consumer groups. */
  public static final String PROTOCOL_TYPE = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.PROTOCOL_TYPE;

  private ConsumerProtocol() {}

  /** A subscription: the topics, the partitions the member owns now and its generation (-1 for none). */
  public static byte[] encodeSubscription(List<String> topics, List<TopicPartition> owned, int generationId) {
    var subscription = new ConsumerPartitionAssignor.Subscription(topics, null, kafka(owned), generationId, Optional.empty());
    return bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(subscription));
  }

  /**
   * Decodes a member's subscription (any version Kafka clients send).
   *
   * @param groupInstanceId the member's static id, or null
   * @throws IllegalArgumentException if the bytes are not a consumer subscription
   */
  public static PartitionAssignor.Subscription decodeSubscription(byte[] metadata, String groupInstanceId) {
    try {
      var s = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
      Optional<Integer> generation = s.generationId().filter(g -> g >= 0);
      return new PartitionAssignor.Subscription(s.topics(), courant(s.ownedPartitions()), generation,
          Optional.ofNullable(groupInstanceId));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a consumer protocol subscription (" + metadata.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** An assignment: the partitions a member reads. */
  public static byte[] encodeAssignment(List<TopicPartition> partitions) {
    var assignment = new ConsumerPartitionAssignor.Assignment(kafka(partitions));
    return bytes(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(assignment));
  }

  /**
   * Decodes an assignment; an empty array (a member the leader gave nothing) is no partitions.
   *
   * @throws IllegalArgumentException if the bytes are not a consumer assignment
   */
  public static List<TopicPartition> decodeAssignment(byte[] assignment) {
    if (assignment.length == 0) {
      return List.of();
    }
    try {
      return courant(org.apache.kafka.clients.consumer.internals.ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment))
          .partitions());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a consumer protocol assignment (" + assignment.length + " bytes): " + e.getMessage(), e);
    }
  }

  private static List<org.apache.kafka.common.TopicPartition> kafka(List<TopicPartition> partitions) {
    return partitions.stream().map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
  }

  private static List<TopicPartition> courant(List<org.apache.kafka.common.TopicPartition> partitions) {
    return partitions.stream().map(tp -> new TopicPartition(tp.topic(), tp.partition())).toList();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
