package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cooperative-sticky: the sticky target, but a moving partition is revoked in one rebalance and
 * assigned in the next. {@link StickyGroup#rebalance()} checks on every rebalance that no partition
 * goes straight from one member to another.
 */
class CooperativeStickyAssignorTest {
  private final CooperativeStickyAssignor cooperative = new CooperativeStickyAssignor();

  @Test
  void aMovingPartitionIsRevokedFirstAndAssignedByTheFollowUpRebalance() {
    Map<String, List<TopicPartition>> first = cooperative.assign(Map.of("t0", 4), Map.of(
        "c0", owning(List.of(tp(0), tp(1)), 3),
        "c1", owning(List.of(tp(2), tp(3)), 3),
        "c2", new Subscription(List.of("t0"))));
    assertEquals(Map.of("c0", List.of(tp(0), tp(1)), "c1", List.of(tp(3)), "c2", List.of()), first);

    Map<String, List<TopicPartition>> second = cooperative.assign(Map.of("t0", 4), Map.of(
        "c0", owning(List.of(tp(0), tp(1)), 4),
        "c1", owning(List.of(tp(3)), 4),
        "c2", owning(List.of(), 4)));
    assertEquals(Map.of("c0", List.of(tp(0), tp(1)), "c1", List.of(tp(3)), "c2", List.of(tp(2))), second);
  }

  @Test
  void partitionsOfAMemberThatLeftAreAssignedAtOnce() {
    Map<String, List<TopicPartition>> assignment = cooperative.assign(Map.of("t0", 4), Map.of(
        "c0", owning(List.of(tp(0), tp(1)), 3)));

    assertEquals(Map.of("c0", List.of(tp(0), tp(1), tp(2), tp(3))), assignment);
  }

  @Test
  void aPartitionClaimedTwiceInOneGenerationIsRevokedFromBoth() {
    Map<String, List<TopicPartition>> assignment = cooperative.assign(Map.of("t0", 2), Map.of(
        "c0", owning(List.of(tp(0)), 5),
        "c1", owning(List.of(tp(0), tp(1)), 5)));

    assertEquals(Map.of("c0", List.of(), "c1", List.of(tp(1))), assignment);
  }

  @Test
  void everyPartitionIsAssignedOnceAndBalancedAfterTheFollowUpRebalances() {
    Random random = new Random(31);
    int mostChanges = 0;
    for (int walk = 0; walk < 400; walk++) {
      StickyGroup group = new StickyGroup(cooperative, StickyGroup.randomTopics(random));
      for (int step = 0; step < 15; step++) {
        if (group.members().size() < 2 || group.members().size() < 7 && random.nextBoolean()) {
          group.join(StickyGroup.randomSubscription(random, group.partitionsPerTopic()), random);
        } else {
          group.leave(group.members().get(random.nextInt(group.members().size())));
        }
        mostChanges = Math.max(mostChanges, group.rebalanceUntilStable(5));
        group.assertEveryPartitionHeldOnce();
        group.assertBalanced();
      }
    }
    assertTrue(mostChanges >= 2, "some walk needed a follow-up rebalance");
  }

  @Test
  void oneFollowUpRebalanceCompletesTheAssignmentWhenMembersShareASubscription() {
    Random random = new Random(32);
    for (int walk = 0; walk < 400; walk++) {
      StickyGroup group = new StickyGroup(cooperative, StickyGroup.randomTopics(random));
      List<String> subscription = StickyGroup.randomSubscription(random, group.partitionsPerTopic());
      for (int step = 0; step < 15; step++) {
        if (group.members().size() < 2 || group.members().size() < 7 && random.nextBoolean()) {
          group.join(subscription, random);
        } else {
          group.leave(group.members().get(random.nextInt(group.members().size())));
        }
        group.rebalance();
        group.rebalance();
        group.assertEveryPartitionHeldOnce();
        group.assertBalanced();
        assertEquals(0, group.rebalanceUntilStable(1), "nothing left to move after one follow-up");
      }
    }
  }

  @Test
  void aMemberJoiningABalancedGroupTakesAtMostItsShareOverBothRebalances() {
    Random random = new Random(33);
    for (int walk = 0; walk < 300; walk++) {
      StickyGroup group = new StickyGroup(cooperative, StickyGroup.randomTopics(random));
      List<String> subscription = StickyGroup.randomSubscription(random, group.partitionsPerTopic());
      int members = 1 + random.nextInt(6);
      for (int n = 0; n < members; n++) {
        group.join(subscription, random);
        group.rebalanceUntilStable(3);
      }
      Map<String, List<TopicPartition>> before = group.held();
      int total = before.values().stream().mapToInt(List::size).sum();

      group.join(subscription, random);
      group.rebalance();
      int moved = StickyGroup.moved(before, group.rebalance());

      int share = (total + members) / (members + 1); // ceil(total / (members + 1))
      assertTrue(moved <= share, () -> moved + " of " + total + " moved when member " + (members + 1) + " joined");
      group.assertEveryPartitionHeldOnce();
      group.assertBalanced();
    }
  }

  private static Subscription owning(List<TopicPartition> owned, int generation) {
    return new Subscription(List.of("t0"), owned, Optional.of(generation), Optional.empty());
  }

  private static TopicPartition tp(int partition) {
    return new TopicPartition("t0", partition);
  }
}
