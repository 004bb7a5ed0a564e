package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Sticky: balanced, every partition once, and as few moves as balance allows. */
class StickyAssignorTest {
  private final StickyAssignor sticky = new StickyAssignor();

  @Test
  void aNewMemberTakesOnePartitionFromAFullMember() {
    Map<String, List<TopicPartition>> assignment = sticky.assign(Map.of("t0", 4), Map.of(
        "c0", owning(List.of(tp(0), tp(1)), 3),
        "c1", owning(List.of(tp(2), tp(3)), 3),
        "c2", new Subscription(List.of("t0"))));

    assertEquals(Map.of("c0", List.of(tp(0), tp(1)), "c1", List.of(tp(3)), "c2", List.of(tp(2))), assignment);
  }

  @Test
  void theClaimOfTheNewerGenerationWins() {
    Map<String, List<TopicPartition>> assignment = sticky.assign(Map.of("t0", 2), Map.of(
        "c0", owning(List.of(tp(1)), 5),
        "c1", owning(List.of(tp(0), tp(1)), 4)));

    assertEquals(Map.of("c0", List.of(tp(1)), "c1", List.of(tp(0))), assignment);
  }

  @Test
  void claimsOnPartitionsThatNoLongerExistAreDropped() {
    Map<String, List<TopicPartition>> assignment = sticky.assign(Map.of("t0", 2), Map.of(
        "c0", owning(List.of(tp(0), tp(1), tp(7), new TopicPartition("deleted", 0)), 2),
        "c1", owning(List.of(), 2)));

    assertEquals(Map.of("c0", List.of(tp(1)), "c1", List.of(tp(0))), assignment);
  }

  @Test
  void theResultDoesNotDependOnMapOrder() {
    Random random = new Random(11);
    for (int i = 0; i < 500; i++) {
      KafkaAssignors.Group group = KafkaAssignors.randomGroup(random);
      assertEquals(sticky.assign(group.partitionsPerTopic(), group.subscriptions()),
          sticky.assign(new TreeMap<>(group.partitionsPerTopic()), new TreeMap<>(group.subscriptions())));
    }
  }

  @Test
  void everyPartitionIsAssignedOnceAndBalancedAcrossRandomJoinsAndLeaves() {
    Random random = new Random(21);
    for (int walk = 0; walk < 400; walk++) {
      StickyGroup group = new StickyGroup(sticky, StickyGroup.randomTopics(random));
      for (int step = 0; step < 15; step++) {
        if (group.members().size() < 2 || group.members().size() < 7 && random.nextBoolean()) {
          group.join(StickyGroup.randomSubscription(random, group.partitionsPerTopic()), random);
        } else {
          group.leave(group.members().get(random.nextInt(group.members().size())));
        }
        assertTrue(group.rebalanceUntilStable(3) <= 1, "eager sticky reaches its assignment in one rebalance");
        group.assertEveryPartitionHeldOnce();
        group.assertBalanced();
      }
    }
  }

  @Test
  void aMemberJoiningABalancedGroupTakesAtMostItsShare() {
    Random random = new Random(22);
    for (int walk = 0; walk < 300; walk++) {
      StickyGroup group = new StickyGroup(sticky, StickyGroup.randomTopics(random));
      List<String> subscription = StickyGroup.randomSubscription(random, group.partitionsPerTopic());
      int members = 1 + random.nextInt(6);
      for (int n = 0; n < members; n++) {
        group.join(subscription, random);
        group.rebalance();
      }
      Map<String, List<TopicPartition>> before = group.held();
      int total = before.values().stream().mapToInt(List::size).sum();

      group.join(subscription, random);
      int moved = StickyGroup.moved(before, group.rebalance());

      int share = (total + members) / (members + 1); // ceil(total / (members + 1))
      assertTrue(moved <= share, () -> moved + " of " + total + " moved when member " + (members + 1) + " joined");
      group.assertBalanced();
    }
  }

  @Test
  void membersThatStayKeepTheirPartitionsWhenOneLeaves() {
    Random random = new Random(23);
    for (int walk = 0; walk < 300; walk++) {
      StickyGroup group = new StickyGroup(sticky, StickyGroup.randomTopics(random));
      List<String> subscription = StickyGroup.randomSubscription(random, group.partitionsPerTopic());
      for (int n = 0, members = 2 + random.nextInt(5); n < members; n++) {
        group.join(subscription, random);
        group.rebalance();
      }
      group.leave(group.members().get(random.nextInt(group.members().size())));
      Map<String, List<TopicPartition>> before = group.held();

      Map<String, List<TopicPartition>> after = group.rebalance();

      before.forEach((member, partitions) -> assertTrue(after.get(member).containsAll(partitions), member + " lost partitions"));
      group.assertEveryPartitionHeldOnce();
    }
  }

  private static Subscription owning(List<TopicPartition> owned, int generation) {
    return new Subscription(List.of("t0"), owned, Optional.of(generation), Optional.empty());
  }

  private static TopicPartition tp(int partition) {
    return new TopicPartition("t0", partition);
  }
}
