package io.courant.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.group.PartitionAssignor.RebalanceProtocol;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Strategy names as Kafka's {@code partition.assignment.strategy} spells them, and the group's choice. */
class PartitionAssignorsTest {

  @Test
  void byNameResolvesKafkasStrategyNames() {
    for (String name : List.of("range", "roundrobin", "sticky", "cooperative-sticky")) {
      assertEquals(name, PartitionAssignors.byName(name).name());
    }
  }

  @Test
  void byNameResolvesKafkasClassNames() {
    assertEquals("range", PartitionAssignors.byName("org.apache.kafka.clients.consumer.RangeAssignor").name());
    assertEquals("roundrobin", PartitionAssignors.byName("org.apache.kafka.clients.consumer.RoundRobinAssignor").name());
    assertEquals("sticky", PartitionAssignors.byName("org.apache.kafka.clients.consumer.StickyAssignor").name());
    assertEquals("cooperative-sticky",
        PartitionAssignors.byName(" org.apache.kafka.clients.consumer.CooperativeStickyAssignor ").name());
  }

  @Test
  void namesAreTheSameAsKafkasAssignors() {
    assertEquals(new org.apache.kafka.clients.consumer.RangeAssignor().name(), new RangeAssignor().name());
    assertEquals(new org.apache.kafka.clients.consumer.RoundRobinAssignor().name(), new RoundRobinAssignor().name());
    assertEquals(new org.apache.kafka.clients.consumer.StickyAssignor().name(), new StickyAssignor().name());
    assertEquals(new org.apache.kafka.clients.consumer.CooperativeStickyAssignor().name(), new CooperativeStickyAssignor().name());
  }

  @Test
  void byNameRejectsAnUnknownNameListingTheAllowedOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartitionAssignors.byName("uniform"));

    assertTrue(e.getMessage().contains("'uniform'"), e.getMessage());
    List<String> allowed = List.of("range", "roundrobin", "sticky", "cooperative-sticky",
        "org.apache.kafka.clients.consumer.RangeAssignor", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    for (String name : allowed) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void onlyCooperativeStickyIsCooperative() {
    assertEquals(RebalanceProtocol.EAGER, PartitionAssignors.byName("range").protocol());
    assertEquals(RebalanceProtocol.EAGER, PartitionAssignors.byName("roundrobin").protocol());
    assertEquals(RebalanceProtocol.EAGER, PartitionAssignors.byName("sticky").protocol());
    assertEquals(RebalanceProtocol.COOPERATIVE, PartitionAssignors.byName("cooperative-sticky").protocol());
  }

  @Test
  void chooseTakesTheOnlyStrategyEveryMemberSupports() {
    List<List<String>> preferences = List.of(List.of("cooperative-sticky", "range"), List.of("range"));

    assertEquals(Optional.of("range"), PartitionAssignors.choose(preferences));
  }

  @Test
  void chooseTakesTheStrategyMostMembersPreferAsKafkasCoordinatorDoes() {
    List<List<String>> preferences = List.of(List.of("sticky", "range"), List.of("range", "sticky"), List.of("range", "sticky"));

    assertEquals(Optional.of("range"), PartitionAssignors.choose(preferences));
  }

  @Test
  void chooseBreaksATieWithTheFirstMembersPreference() {
    assertEquals(Optional.of("sticky"), PartitionAssignors.choose(List.of(List.of("sticky", "range"), List.of("range", "sticky"))));
    assertEquals(Optional.of("range"), PartitionAssignors.choose(List.of(List.of("range", "sticky"), List.of("sticky", "range"))));
  }

  @Test
  void chooseIsEmptyWithoutAStrategyEveryMemberSupports() {
    assertEquals(Optional.empty(), PartitionAssignors.choose(List.of(List.of("sticky"), List.of("range"))));
    assertEquals(Optional.empty(), PartitionAssignors.choose(List.of()));
  }
}
