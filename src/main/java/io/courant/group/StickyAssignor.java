package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * Kafka's {@code sticky} assignor: a balanced assignment that leaves as many partitions as possible
 * with the members that already own them.
 *
 * <p>Balanced: no partition could move to another subscriber of its topic that has two or more
 * partitions fewer than its holder, so members with the same subscription get counts that differ by
 * at most one. Sticky: each member first keeps the {@link Subscription#ownedPartitions() partitions
 * it owns} (those of its newest-generation claim, of topics it still subscribes to); partitions of
 * departed members, of new topics, and of disputed claims go to the least loaded subscribers; only
 * then do partitions move, one at a time, from the most to the least loaded member. When a member
 * joins a balanced group of {@code N} members sharing one subscription, at most {@code
 * ceil(total / (N + 1))} partitions move, all to the newcomer.
 *
 * <pre>{@code
 * // t0 has 4 partitions; c0 and c1 own two each (generation 3); c2 joins.
 * new StickyAssignor().assign(Map.of("t0", 4), Map.of(
 *     "c0", new Subscription(List.of("t0"), List.of(t0p0, t0p1), Optional.of(3), Optional.empty()),
 *     "c1", new Subscription(List.of("t0"), List.of(t0p2, t0p3), Optional.of(3), Optional.empty()),
 *     "c2", new Subscription(List.of("t0"))));
 * // {c0=[t0-0, t0-1], c1=[t0-3], c2=[t0-2]}: one partition moves
 * }</pre>
 *
 * <p>Eager protocol: every member revokes everything before the rebalance, so a partition may go
 * straight to its new owner. The result balances as Kafka's {@code
 * org.apache.kafka.clients.consumer.StickyAssignor} does but may differ from it partition by
 * partition.
 *
 * @see CooperativeStickyAssignor
 * @see RoundRobinAssignor
 * @see PartitionAssignors#byName(String)
 */
public final class StickyAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return "sticky";
  }

  @Override
  public RebalanceProtocol protocol() {
    return RebalanceProtocol.EAGER;
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    return Assignments.result(StickyBalancer.plan(partitionsPerTopic, subscriptions).assignment());
  }
}
