package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.List;
import java.util.Map;

/**
 * Kafka's {@code cooperative-sticky} assignor: the {@link StickyAssignor sticky} target, reached
 * through a follow-up rebalance so that members keep reading the partitions that stay with them.
 *
 * <p><b>The two-phase rule.</b> A partition that the target moves from its current owner to another
 * member is <em>not</em> given to the new member in this rebalance: it is left out of the
 * assignment altogether. Its owner, seeing it missing, revokes it (commits and stops reading) and
 * rejoins; that follow-up rebalance finds the partition unowned and assigns it. So no partition is
 * ever read by two members at once, and no partition goes directly from one owner to another in one
 * rebalance. The same applies to a partition that several members claim in the newest generation:
 * all of them give it up first. Partitions nobody owns (new topics, members that left) are assigned
 * at once.
 *
 * <pre>{@code
 * // t0 has 4 partitions; c0 and c1 own two each (generation 3); c2 joins.
 * CooperativeStickyAssignor assignor = new CooperativeStickyAssignor();
 * assignor.assign(Map.of("t0", 4), Map.of(
 *     "c0", new Subscription(List.of("t0"), List.of(t0p0, t0p1), Optional.of(3), Optional.empty()),
 *     "c1", new Subscription(List.of("t0"), List.of(t0p2, t0p3), Optional.of(3), Optional.empty()),
 *     "c2", new Subscription(List.of("t0"))));
 * // {c0=[t0-0, t0-1], c1=[t0-3], c2=[]}: c1 revokes t0-2 and the group rebalances again
 * assignor.assign(Map.of("t0", 4), Map.of(
 *     "c0", new Subscription(List.of("t0"), List.of(t0p0, t0p1), Optional.of(4), Optional.empty()),
 *     "c1", new Subscription(List.of("t0"), List.of(t0p3), Optional.of(4), Optional.empty()),
 *     "c2", new Subscription(List.of("t0"), List.of(), Optional.of(4), Optional.empty())));
 * // {c0=[t0-0, t0-1], c1=[t0-3], c2=[t0-2]}
 * }</pre>
 *
 * <p>Cooperative protocol. The member that sees partitions revoked must request the follow-up
 * rebalance, as Kafka's consumer does. When all members share one subscription, one follow-up
 * completes the target; with different subscriptions the follow-up can, rarely, revoke again and
 * need one more.
 *
 * @see StickyAssignor
 * @see PartitionAssignors#byName(String)
 */
public final class CooperativeStickyAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return "cooperative-sticky";
  }

  @Override
  public RebalanceProtocol protocol() {
    return RebalanceProtocol.COOPERATIVE;
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    StickyBalancer.Plan plan = StickyBalancer.plan(partitionsPerTopic, subscriptions);
    plan.assignment().values().forEach(partitions -> partitions.removeAll(plan.transferring()));
    return Assignments.result(plan.assignment());
  }
}
