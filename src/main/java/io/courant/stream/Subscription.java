package io.courant.stream;

import io.courant.client.TopicPartition;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link Consumer} source reads; built with {@link Subscriptions}. An {@link
 * AutoSubscription} joins the settings' consumer group, which assigns partitions (and moves them
 * on rebalances); a {@link ManualSubscription} reads the partitions it names.
 */
public sealed interface Subscription permits Subscription.AutoSubscription, Subscription.ManualSubscription {

  /** Where rebalance events go, or null. */
  ActorRef<RebalanceEvent> rebalanceListener();

  /** Group-managed: topics or a pattern. */
  sealed interface AutoSubscription extends Subscription permits Topics, TopicPattern {
    /** A copy that tells {@code listener} of every assignment and revocation. */
    AutoSubscription withRebalanceListener(ActorRef<RebalanceEvent> listener);
  }

  /** Partitions named by the application, no group management. */
  sealed interface ManualSubscription extends Subscription permits Assignment, AssignmentWithOffset, AssignmentOffsetsForTimes {
    /** A copy that tells {@code listener} of the assignment when the source starts. */
    ManualSubscription withRebalanceListener(ActorRef<RebalanceEvent> listener);
  }

  /** These topics, through the group. */
  record Topics(Set<String> topics, ActorRef<RebalanceEvent> rebalanceListener) implements AutoSubscription {
    public Topics {
      topics = Set.copyOf(topics);
    }

    @Override
    public Topics withRebalanceListener(ActorRef<RebalanceEvent> listener) {
      return new Topics(topics, listener);
    }
  }

  /** Every topic whose name matches the regular expression, now or created later, through the group. */
  record TopicPattern(String pattern, ActorRef<RebalanceEvent> rebalanceListener) implements AutoSubscription {
    @Override
    public TopicPattern withRebalanceListener(ActorRef<RebalanceEvent> listener) {
      return new TopicPattern(pattern, listener);
    }
  }

  /** These partitions, from the committed offset (or {@code auto.offset.reset}). */
  record Assignment(Set<TopicPartition> partitions, ActorRef<RebalanceEvent> rebalanceListener) implements ManualSubscription {
    public Assignment {
      partitions = Set.copyOf(partitions);
    }

    @Override
    public Assignment withRebalanceListener(ActorRef<RebalanceEvent> listener) {
      return new Assignment(partitions, listener);
    }
  }

  /** These partitions, each from the given offset. */
  record AssignmentWithOffset(Map<TopicPartition, Long> offsets, ActorRef<RebalanceEvent> rebalanceListener)
      implements ManualSubscription {
    public AssignmentWithOffset {
      offsets = Map.copyOf(offsets);
    }

    @Override
    public AssignmentWithOffset withRebalanceListener(ActorRef<RebalanceEvent> listener) {
      return new AssignmentWithOffset(offsets, listener);
    }
  }

  /**
   * These partitions, each from its first record at or after the given timestamp (ms since the
   * epoch); from the log end when every record is older.
   */
  record AssignmentOffsetsForTimes(Map<TopicPartition, Long> timestamps, ActorRef<RebalanceEvent> rebalanceListener)
      implements ManualSubscription {
    public AssignmentOffsetsForTimes {
      timestamps = Map.copyOf(timestamps);
    }

    @Override
    public AssignmentOffsetsForTimes withRebalanceListener(ActorRef<RebalanceEvent> listener) {
      return new AssignmentOffsetsForTimes(timestamps, listener);
    }
  }

  /** Told to a subscription's rebalance listener, with Pekko Connectors Kafka's names. */
  sealed interface RebalanceEvent permits TopicPartitionsAssigned, TopicPartitionsRevoked, TopicPartitionsLost {}

  /** The source now reads these partitions (added to what it had). */
  record TopicPartitionsAssigned(Subscription subscription, Set<TopicPartition> partitions) implements RebalanceEvent {}

  /** These partitions were taken away (in an orderly rebalance, or at shutdown). */
  record TopicPartitionsRevoked(Subscription subscription, Set<TopicPartition> partitions) implements RebalanceEvent {}

  /** The consumer was dropped from the group: these partitions may already belong to another member. */
  record TopicPartitionsLost(Subscription subscription, Set<TopicPartition> partitions) implements RebalanceEvent {}
}
