package io.courant.group;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** What every assignor needs: checked input, Kafka's member order, and the immutable result. */
final class Assignments {
  static final Comparator<TopicPartition> PARTITION_ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private Assignments() {}

  static void check(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Objects.requireNonNull(partitionsPerTopic, "partitionsPerTopic");
    Objects.requireNonNull(subscriptions, "subscriptions");
    partitionsPerTopic.forEach((topic, count) -> {
      Objects.requireNonNull(count, () -> "partition count of " + topic);
      if (count < 0) {
        throw new IllegalArgumentException("partition count of " + topic + " must be >= 0, not " + count);
      }
    });
    subscriptions.forEach((member, subscription) -> Objects.requireNonNull(subscription, () -> "subscription of " + member));
  }

  /**
   * Members in Kafka's order ({@code AbstractPartitionAssignor.MemberInfo}): static members first by
   * {@code group.instance.id}, then dynamic members by member id. Range and round-robin deal in this
   * order, so the same group gets the same partitions as from Kafka's assignors.
   */
  static List<String> orderedMembers(Map<String, Subscription> subscriptions) {
    Comparator<String> staticFirst = Comparator.comparing(
        member -> subscriptions.get(member).groupInstanceId(),
        Comparator.comparing((Optional<String> id) -> id.isEmpty()).thenComparing(id -> id.orElse("")));
    List<String> members = new ArrayList<>(subscriptions.keySet());
    members.sort(staticFirst.thenComparing(Comparator.naturalOrder()));
    return members;
  }

  /** The topics someone subscribes to that exist, in name order. */
  static SortedSet<String> subscribedTopics(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    SortedSet<String> topics = new TreeSet<>();
    subscriptions.values().forEach(subscription -> topics.addAll(subscription.topics()));
    topics.retainAll(partitionsPerTopic.keySet());
    return topics;
  }

  /** Every partition of the subscribed topics that exist, sorted by topic then partition. */
  static List<TopicPartition> subscribedPartitions(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : subscribedTopics(partitionsPerTopic, subscriptions)) {
      for (int p = 0; p < partitionsPerTopic.get(topic); p++) {
        partitions.add(new TopicPartition(topic, p));
      }
    }
    return partitions;
  }

  /** A mutable, empty partition set for every member. */
  static Map<String, SortedSet<TopicPartition>> emptyFor(Map<String, Subscription> subscriptions) {
    Map<String, SortedSet<TopicPartition>> assignment = new TreeMap<>();
    subscriptions.keySet().forEach(member -> assignment.put(member, new TreeSet<>(PARTITION_ORDER)));
    return assignment;
  }

  /** The immutable result: members by id, each list sorted by topic then partition. */
  static Map<String, List<TopicPartition>> result(Map<String, ? extends Collection<TopicPartition>> assignment) {
    Map<String, List<TopicPartition>> result = new TreeMap<>();
    assignment.forEach((member, partitions) -> {
      List<TopicPartition> sorted = new ArrayList<>(partitions);
      sorted.sort(PARTITION_ORDER);
      result.put(member, List.copyOf(sorted));
    });
    return Collections.unmodifiableMap(result);
  }
}
