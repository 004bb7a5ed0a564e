package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Kafka's {@code roundrobin} assignor: all subscribed partitions, sorted by topic then partition,
 * are dealt one at a time to the members in turn, skipping a member that does not subscribe to the
 * partition's topic.
 *
 * <p>Members are ordered as Kafka orders them: static members by {@code group.instance.id} first,
 * then dynamic members by member id. With topics {@code t0} and {@code t1} of 3 partitions each and
 * members {@code c0}, {@code c1} subscribed to both:
 *
 * <pre>{@code
 * new RoundRobinAssignor().assign(Map.of("t0", 3, "t1", 3),
 *     Map.of("c0", new Subscription(List.of("t0", "t1")), "c1", new Subscription(List.of("t0", "t1"))));
 * // {c0=[t0-0, t0-2, t1-1], c1=[t0-1, t1-0, t1-2]}
 * }</pre>
 *
 * <p>When all members subscribe to the same topics, their partition counts differ by at most one;
 * with different subscriptions the deal can be uneven. Eager protocol; the result is the same as
 * Kafka's {@code org.apache.kafka.clients.consumer.RoundRobinAssignor}.
 *
 * @see RangeAssignor
 * @see StickyAssignor
 * @see PartitionAssignors#byName(String)
 */
public final class RoundRobinAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return "roundrobin";
  }

  @Override
  public RebalanceProtocol protocol() {
    return RebalanceProtocol.EAGER;
  }

  @Override
  public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Assignments.check(partitionsPerTopic, subscriptions);
    Map<String, SortedSet<TopicPartition>> assignment = Assignments.emptyFor(subscriptions);
    List<String> members = Assignments.orderedMembers(subscriptions);
    int turn = 0;
    for (TopicPartition partition : Assignments.subscribedPartitions(partitionsPerTopic, subscriptions)) {
      // Terminates: someone subscribes to every topic listed by subscribedPartitions.
      while (!subscriptions.get(members.get(turn % members.size())).topics().contains(partition.topic())) {
        turn++;
      }
      assignment.get(members.get(turn++ % members.size())).add(partition);
    }
    return Assignments.result(assignment);
  }
}
