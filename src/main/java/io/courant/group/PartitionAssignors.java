package io.courant.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@link PartitionAssignor}s by their {@code partition.assignment.strategy} names, and
 * the coordinator's choice of one strategy for a group.
 *
 * <pre>{@code
 * PartitionAssignor assignor = PartitionAssignors.byName("cooperative-sticky");
 * PartitionAssignors.byName("org.apache.kafka.clients.consumer.RangeAssignor").name();  // "range"
 * PartitionAssignors.choose(List.of(
 *     List.of("cooperative-sticky", "range"),
 *     List.of("range")));                                                             // Optional[range]
 * }</pre>
 *
 * @see PartitionAssignor
 */
public final class PartitionAssignors {
  private static final String KAFKA_PACKAGE = "org.apache.kafka.clients.consumer.";
  private static final Map<String, PartitionAssignor> BY_NAME = index(
      new RangeAssignor(), new RoundRobinAssignor(), new StickyAssignor(), new CooperativeStickyAssignor());

  private PartitionAssignors() {}

  private static Map<String, PartitionAssignor> index(PartitionAssignor... assignors) {
    Map<String, PartitionAssignor> byName = new LinkedHashMap<>();
    for (PartitionAssignor assignor : assignors) {
      byName.put(assignor.name(), assignor);
    }
    for (PartitionAssignor assignor : assignors) {
      byName.put(KAFKA_PACKAGE + assignor.getClass().getSimpleName(), assignor);
    }
    return Collections.unmodifiableMap(byName);
  }

  /**
   * The assignor for a {@code partition.assignment.strategy} value: {@code range}, {@code
   * roundrobin}, {@code sticky} or {@code cooperative-sticky}, or the name of Kafka's class for one
   * of them, such as {@code org.apache.kafka.clients.consumer.RangeAssignor}. Surrounding blanks are
   * ignored, as in Kafka's list values.
   *
   * @param name the strategy name or Kafka class name
   * @return the assignor, a shared stateless instance
   * @throws IllegalArgumentException if the name is none of those; the message lists the allowed
   *     values
   * @throws NullPointerException if {@code name} is null
   */
  public static PartitionAssignor byName(String name) {
    PartitionAssignor assignor = BY_NAME.get(Objects.requireNonNull(name, "name").strip());
    if (assignor == null) {
      throw new IllegalArgumentException(
          "partition.assignment.strategy must be one of " + BY_NAME.keySet() + ", not '" + name + "'");
    }
    return assignor;
  }

  /**
   * The strategy a group uses, chosen as Kafka's group coordinator chooses it: among the strategies
   * every member supports, each member votes for the one it prefers most, and the strategy with the
   * most votes wins. A tie goes to the strategy the first member prefers.
   *
   * <pre>{@code
   * List<String> stickyFirst = List.of("sticky", "range");
   * List<String> rangeFirst = List.of("range", "sticky");
   * choose(List.of(stickyFirst, rangeFirst, rangeFirst));          // Optional[range]: 2 votes to 1
   * choose(List.of(stickyFirst, rangeFirst));                      // Optional[sticky]: a tie
   * choose(List.of(List.of("sticky"), List.of("range")));          // Optional.empty
   * }</pre>
   *
   * <p>Names are compared as given, so members must spell a strategy the same way.
   *
   * @param preferencesPerMember each member's strategies, most preferred first, in member order
   * @return the chosen strategy, or empty if there are no members or no strategy every member supports
   * @throws NullPointerException if the list, a member's list or a name is null
   */
  public static Optional<String> choose(List<List<String>> preferencesPerMember) {
    Objects.requireNonNull(preferencesPerMember, "preferencesPerMember");
    List<List<String>> members = preferencesPerMember.stream().map(List::copyOf).toList();
    if (members.isEmpty()) {
      return Optional.empty();
    }
    Set<String> common = new LinkedHashSet<>(members.get(0));
    members.forEach(common::retainAll);
    Map<String, Integer> votes = new HashMap<>();
    for (List<String> preferences : members) {
      preferences.stream().filter(common::contains).findFirst().ifPresent(vote -> votes.merge(vote, 1, Integer::sum));
    }
    // common is in the first member's order, and a later strategy replaces the best only with more votes.
    return common.stream().filter(votes::containsKey).reduce((best, next) -> votes.get(next) > votes.get(best) ? next : best);
  }
}
