package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which member of a consumer group reads which partitions: Kafka's
 * {@code ConsumerPartitionAssignor}, as a pure function (no actors, no I/O).
 *
 * <p>The group's leader calls {@link #assign} once per rebalance with every member's {@link
 * Subscription}; each member then reads exactly the partitions listed for it.
 *
 * <pre>{@code
 * PartitionAssignor assignor = PartitionAssignors.byName("range");
 * Map<String, List<TopicPartition>> assignment = assignor.assign(
 *     Map.of("orders", 3),
 *     Map.of("member-a", new Subscription(List.of("orders")),
 *            "member-b", new Subscription(List.of("orders"))));
 * // {member-a=[orders-0, orders-1], member-b=[orders-2]}
 * }</pre>
 *
 * <p>Implementations are stateless and thread-safe. Their result is deterministic: it depends only
 * on the arguments, not on map iteration order.
 *
 * @see RangeAssignor
 * @see RoundRobinAssignor
 * @see StickyAssignor
 * @see CooperativeStickyAssignor
 * @see PartitionAssignors
 */
public interface PartitionAssignor {

  /**
   * The name members advertise in {@code partition.assignment.strategy}, e.g. {@code "range"}.
   *
   * @return the strategy name, as Kafka spells it
   */
  String name();

  /**
   * How members hand partitions over when this assignor moves them.
   *
   * @return {@link RebalanceProtocol#EAGER} or {@link RebalanceProtocol#COOPERATIVE}
   */
  RebalanceProtocol protocol();

  /**
   * Assigns the partitions of the subscribed topics to the members.
   *
   * <p>A subscribed topic that is absent from {@code partitionsPerTopic} (it does not exist, or has
   * no metadata yet) is ignored; topics nobody subscribes to are never assigned.
   *
   * @param partitionsPerTopic the number of partitions of each existing topic
   * @param subscriptions each member's subscription, by member id
   * @return the partitions of each member, by member id: every member of {@code subscriptions} is a
   *     key (with an empty list if it gets nothing), each list sorted by topic then partition; the
   *     map and lists are immutable
   * @throws NullPointerException if an argument or one of its entries is null
   * @throws IllegalArgumentException if a partition count is negative
   */
  Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions);

  /**
   * How a group moves partitions between members, as in Kafka.
   */
  enum RebalanceProtocol {
    /**
     * Every member revokes all its partitions before the group rebalances, then receives its new
     * assignment; nobody reads during the rebalance.
     */
    EAGER,
    /**
     * Members keep reading the partitions they keep; a partition that moves is first revoked by its
     * owner, and assigned to its new owner by a follow-up rebalance.
     */
    COOPERATIVE
  }

  /**
   * What one member tells the assignor when it joins: Kafka's {@code
   * ConsumerPartitionAssignor.Subscription}.
   *
   * <pre>{@code
   * new Subscription(List.of("orders", "payments"), List.of(new TopicPartition("orders", 0)),
   *     Optional.of(7), Optional.of("checkout-1"));
   * }</pre>
   *
   * @param topics the topics the member subscribes to
   * @param ownedPartitions the partitions the member was assigned in its last generation (read by
   *     the sticky assignors; the others ignore it)
   * @param generationId the generation in which the member got {@code ownedPartitions}, or empty if
   *     unknown; when two members claim a partition, the claim of the newer generation wins, and
   *     two claims in the same generation both lose
   * @param groupInstanceId the member's {@code group.instance.id} if it is a static member; static
   *     members come first when members are ordered, as in Kafka
   */
  record Subscription(
      List<String> topics, List<TopicPartition> ownedPartitions, Optional<Integer> generationId, Optional<String> groupInstanceId) {
    /**
     * Copies the lists.
     *
     * @throws NullPointerException if an argument, topic or partition is null
     */
    public Subscription {
      topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
      ownedPartitions = List.copyOf(Objects.requireNonNull(ownedPartitions, "ownedPartitions"));
      Objects.requireNonNull(generationId, "generationId");
      Objects.requireNonNull(groupInstanceId, "groupInstanceId");
    }

    /**
     * A dynamic member's first subscription: no owned partitions, no generation.
     *
     * @param topics the topics the member subscribes to
     */
    public Subscription(List<String> topics) {
      this(topics, List.of(), Optional.empty(), Optional.empty());
    }
  }
}
