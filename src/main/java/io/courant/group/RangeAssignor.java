package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Kafka's {@code range} assignor: topic by topic, each subscriber gets a contiguous range of the
 * topic's partitions, and the first subscribers get one extra when the partitions do not divide
 * evenly.
 *
 * <p>Subscribers are ordered as Kafka orders them: static members by {@code group.instance.id}
 * first, then dynamic members by member id. With topics {@code t0} and {@code t1} of 3 partitions
 * each and members {@code c0}, {@code c1} subscribed to both:
 *
 * <pre>{@code
 * new RangeAssignor().assign(Map.of("t0", 3, "t1", 3),
 *     Map.of("c0", new Subscription(List.of("t0", "t1")), "c1", new Subscription(List.of("t0", "t1"))));
 * // {c0=[t0-0, t0-1, t1-0, t1-1], c1=[t0-2, t1-2]}
 * }</pre>
 *
 * <p>Partition {@code n} of topics with the same partition count goes to the same member, which is
 * what co-partitioned joins need; the price is imbalance across many topics (the first members get
 * the extra partition of every topic). Eager protocol; the result is the same as Kafka's {@code
 * org.apache.kafka.clients.consumer.RangeAssignor} for members without a rack.
 *
 * @see RoundRobinAssignor
 * @see PartitionAssignors#byName(String)
 */
public final class RangeAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return "range";
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
    for (String topic : Assignments.subscribedTopics(partitionsPerTopic, subscriptions)) {
      List<String> subscribers = members.stream().filter(m -> subscriptions.get(m).topics().contains(topic)).toList();
      int partitions = partitionsPerTopic.get(topic);
      int each = partitions / subscribers.size();
      int extra = partitions % subscribers.size();
      int next = 0;
      for (int i = 0; i < subscribers.size(); i++) {
        int end = next + each + (i < extra ? 1 : 0);
        for (; next < end; next++) {
          assignment.get(subscribers.get(i)).add(new TopicPartition(topic, next));
        }
      }
    }
    return Assignments.result(assignment);
  }
}
