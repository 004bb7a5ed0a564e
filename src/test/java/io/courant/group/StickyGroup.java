package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer group driven through rebalances as its members would drive it: each member reports the
 * partitions it holds and the generation it got them in, and holds what the assignor gives it.
 */
final class StickyGroup {
  private final PartitionAssignor assignor;
  private final Map<String, Integer> partitionsPerTopic;
  private final Map<String, List<String>> topics = new TreeMap<>();
  private final Map<String, Optional<String>> instanceIds = new HashMap<>();
  private final Map<String, List<TopicPartition>> held = new TreeMap<>();
  private int generation;
  private int nextMember;

  StickyGroup(PartitionAssignor assignor, Map<String, Integer> partitionsPerTopic) {
    this.assignor = assignor;
    this.partitionsPerTopic = Map.copyOf(partitionsPerTopic);
  }

  /** 1–4 topics of 1–12 partitions. */
  static Map<String, Integer> randomTopics(Random random) {
    Map<String, Integer> partitionsPerTopic = new TreeMap<>();
    int topicCount = 1 + random.nextInt(4);
    for (int t = 0; t < topicCount; t++) {
      partitionsPerTopic.put("topic-" + t, 1 + random.nextInt(12));
    }
    return partitionsPerTopic;
  }

  /** A non-empty set of the topics, sometimes with one that does not exist. */
  static List<String> randomSubscription(Random random, Map<String, Integer> partitionsPerTopic) {
    List<String> subscription = new ArrayList<>(partitionsPerTopic.keySet().stream().filter(t -> random.nextBoolean()).toList());
    if (subscription.isEmpty()) {
      subscription.add("topic-0");
    }
    if (random.nextInt(5) == 0) {
      subscription.add("does-not-exist");
    }
    return subscription;
  }

  /** Adds a member (static one time in three) and returns its id; it joins at the next rebalance. */
  String join(List<String> subscription, Random random) {
    String member = "consumer-" + nextMember++;
    topics.put(member, List.copyOf(subscription));
    instanceIds.put(member, random.nextInt(3) == 0 ? Optional.of("instance-" + random.nextInt(1_000_000)) : Optional.empty());
    return member;
  }

  void leave(String member) {
    topics.remove(member);
    held.remove(member);
  }

  List<String> members() {
    return new ArrayList<>(topics.keySet());
  }

  /** What each member holds now. */
  Map<String, List<TopicPartition>> held() {
    return Map.copyOf(held);
  }

  Map<String, Integer> partitionsPerTopic() {
    return partitionsPerTopic;
  }

  Map<String, Subscription> subscriptions() {
    Map<String, Subscription> subscriptions = new HashMap<>();
    topics.forEach((member, subscribed) -> subscriptions.put(member, held.containsKey(member)
        ? new Subscription(subscribed, held.get(member), Optional.of(generation), instanceIds.get(member))
        : new Subscription(subscribed, List.of(), Optional.empty(), instanceIds.get(member))));
    return subscriptions;
  }

  /**
   * One rebalance: the new assignment, which the members then hold. With a cooperative assignor it
   * also checks that no partition went straight from one member to another.
   */
  Map<String, List<TopicPartition>> rebalance() {
    Map<String, List<TopicPartition>> assignment = assignor.assign(partitionsPerTopic, subscriptions());
    assertEquals(topics.keySet(), assignment.keySet(), "every member, and only members, in the assignment");
    if (assignor.protocol() == PartitionAssignor.RebalanceProtocol.COOPERATIVE) {
      assertEquals(0, moved(held, assignment), () -> "partitions went straight to a new owner: " + held + " -> " + assignment);
    }
    held.clear();
    held.putAll(assignment);
    generation++;
    return assignment;
  }

  /**
   * Rebalances until the assignment stops changing, as a cooperative group's follow-ups do.
   *
   * @return how many rebalances changed the assignment
   */
  int rebalanceUntilStable(int atMost) {
    for (int changes = 0; changes <= atMost; changes++) {
      Map<String, List<TopicPartition>> before = held();
      if (rebalance().equals(before)) {
        return changes;
      }
    }
    throw new AssertionError("still changing after " + atMost + " rebalances: " + held);
  }

  /** How many partitions held before are held by a different member now. */
  static int moved(Map<String, List<TopicPartition>> before, Map<String, List<TopicPartition>> after) {
    Map<TopicPartition, String> ownerAfter = owners(after);
    int moved = 0;
    for (var entry : owners(before).entrySet()) {
      String now = ownerAfter.get(entry.getKey());
      moved += now != null && !now.equals(entry.getValue()) ? 1 : 0;
    }
    return moved;
  }

  static Map<TopicPartition, String> owners(Map<String, List<TopicPartition>> assignment) {
    Map<TopicPartition, String> owners = new HashMap<>();
    assignment.forEach((member, partitions) -> partitions.forEach(partition -> owners.put(partition, member)));
    return owners;
  }

  /** Every partition of a subscribed, existing topic is held exactly once, by a subscriber. */
  void assertEveryPartitionHeldOnce() {
    Set<TopicPartition> seen = new HashSet<>();
    held.forEach((member, partitions) -> partitions.forEach(partition -> {
      assertTrue(topics.get(member).contains(partition.topic()), () -> member + " does not subscribe to " + partition);
      assertTrue(seen.add(partition), () -> partition + " held twice in " + held);
    }));
    assertEquals(Set.copyOf(Assignments.subscribedPartitions(partitionsPerTopic, subscriptions())), seen, "partitions held");
  }

  /**
   * Members with the same subscription hold counts within one of each other; more generally no
   * partition could move to a subscriber of its topic holding two or more fewer.
   */
  void assertBalanced() {
    for (String a : held.keySet()) {
      for (String b : held.keySet()) {
        int gap = held.get(a).size() - held.get(b).size();
        if (Set.copyOf(topics.get(a)).equals(Set.copyOf(topics.get(b)))) {
          assertTrue(gap <= 1, () -> a + " and " + b + " share a subscription but hold " + held);
        }
        List<String> bTopics = topics.get(b);
        assertTrue(gap <= 1 || held.get(a).stream().noneMatch(p -> bTopics.contains(p.topic())),
            () -> b + " could take a partition of " + a + " in " + held);
      }
    }
  }
}
