package io.courant.group;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * The sticky assignors' shared core: a balanced assignment that keeps as many owned partitions in
 * place as it can.
 *
 * <p>Balanced means no partition can move to another subscriber of its topic that has at least two
 * partitions fewer than its holder; so members with the same subscription differ by at most one.
 */
final class StickyBalancer {

  /**
   * The balanced assignment, and which of its partitions change hands.
   *
   * @param assignment the partitions of each member
   * @param transferring partitions given to a member other than their current owner, or claimed by
   *     several members in the newest generation
   */
  record Plan(Map<String, SortedSet<TopicPartition>> assignment, Set<TopicPartition> transferring) {}

  private final Map<String, Subscription> subscriptions;
  private final List<String> members;
  private final Map<String, Set<String>> topicsOf;
  private final Map<String, SortedSet<TopicPartition>> assignment;
  private final Map<TopicPartition, String> owners = new HashMap<>();
  private final Set<TopicPartition> disputed = new HashSet<>();

  private StickyBalancer(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    Assignments.check(partitionsPerTopic, subscriptions);
    this.subscriptions = subscriptions;
    this.members = Assignments.orderedMembers(subscriptions);
    this.topicsOf = subscriptions.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue().topics())));
    this.assignment = Assignments.emptyFor(subscriptions);
    findOwners(partitionsPerTopic);
  }

  static Plan plan(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {
    StickyBalancer balancer = new StickyBalancer(partitionsPerTopic, subscriptions);
    balancer.keepOwned();
    balancer.assignFree(Assignments.subscribedPartitions(partitionsPerTopic, subscriptions));
    balancer.balance();
    return new Plan(balancer.assignment, balancer.transferring());
  }

  /**
   * Kafka's rule for conflicting claims: only claims made in the newest generation count (a member
   * without a generation counts as generation -1); a partition claimed twice in that generation has
   * no owner. Claims on partitions that no longer exist are dropped; members that left own nothing.
   */
  private void findOwners(Map<String, Integer> partitionsPerTopic) {
    int newest = subscriptions.values().stream().mapToInt(StickyBalancer::generation).max().orElse(-1);
    for (String member : members) {
      Subscription subscription = subscriptions.get(member);
      if (generation(subscription) != newest) {
        continue;
      }
      for (TopicPartition partition : subscription.ownedPartitions()) {
        if (partition.partition() < partitionsPerTopic.getOrDefault(partition.topic(), 0)
            && owners.putIfAbsent(partition, member) != null && !owners.get(partition).equals(member)) {
          disputed.add(partition);
        }
      }
    }
    owners.keySet().removeAll(disputed);
  }

  private static int generation(Subscription subscription) {
    return subscription.generationId().orElse(-1);
  }

  private void keepOwned() {
    owners.forEach((partition, owner) -> {
      if (subscribes(owner, partition)) {
        assignment.get(owner).add(partition);
      }
    });
  }

  /** The least constrained go last, so each free partition goes to the least loaded subscriber. */
  private void assignFree(List<TopicPartition> subscribed) {
    Map<String, Long> subscriberCounts = subscribed.stream().map(TopicPartition::topic).distinct()
        .collect(Collectors.toMap(topic -> topic, topic -> members.stream().filter(m -> topicsOf.get(m).contains(topic)).count()));
    subscribed.stream()
        .filter(partition -> !isAssigned(partition))
        .sorted(Comparator.comparing((TopicPartition p) -> subscriberCounts.get(p.topic())).thenComparing(Assignments.PARTITION_ORDER))
        .forEach(partition -> members.stream()
            .filter(member -> subscribes(member, partition))
            .min(Comparator.comparingInt(this::load))
            .ifPresent(member -> assignment.get(member).add(partition)));
  }

  private boolean isAssigned(TopicPartition partition) {
    String owner = owners.get(partition);
    return owner != null && assignment.get(owner).contains(partition);
  }

  /**
   * Moves one partition at a time from the most loaded member to the least loaded one that can take
   * it, until no move narrows a gap of two or more. Each move lowers the sum of squared loads, so
   * this ends. The highest load never rises, so a member that gives never receives later: when a
   * member joins a balanced group whose members share one subscription, only the newcomer receives,
   * and no more than its share.
   */
  private void balance() {
    for (Move move = nextMove(); move != null; move = nextMove()) {
      assignment.get(move.from()).remove(move.partition());
      assignment.get(move.to()).add(move.partition());
    }
  }

  private record Move(TopicPartition partition, String from, String to) {}

  private Move nextMove() {
    // Stable sort: equal loads stay in Kafka's member order, which keeps the result deterministic.
    List<String> byLoad = members.stream().sorted(Comparator.comparingInt(this::load)).toList();
    for (int i = 0; i < byLoad.size(); i++) {
      String to = byLoad.get(i);
      for (int j = byLoad.size() - 1; j > i && load(byLoad.get(j)) >= load(to) + 2; j--) {
        String from = byLoad.get(j);
        TopicPartition partition = movable(from, to);
        if (partition != null) {
          return new Move(partition, from, to);
        }
      }
    }
    return null;
  }

  /** A partition {@code to} can take from {@code from}, preferring one {@code from} does not own yet. */
  private TopicPartition movable(String from, String to) {
    TopicPartition owned = null;
    for (TopicPartition partition : assignment.get(from)) {
      if (subscribes(to, partition)) {
        if (!from.equals(owners.get(partition))) {
          return partition;
        }
        owned = owned == null ? partition : owned;
      }
    }
    return owned;
  }

  private Set<TopicPartition> transferring() {
    Set<TopicPartition> transferring = new HashSet<>();
    assignment.forEach((member, partitions) -> partitions.stream()
        .filter(partition -> disputed.contains(partition) || !owners.getOrDefault(partition, member).equals(member))
        .forEach(transferring::add));
    return transferring;
  }

  private boolean subscribes(String member, TopicPartition partition) {
    return topicsOf.get(member).contains(partition.topic());
  }

  private int load(String member) {
    return assignment.get(member).size();
  }
}
