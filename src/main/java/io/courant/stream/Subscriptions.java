package io.courant.stream;

import io.courant.client.TopicPartition;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds {@link Subscription}s, with Pekko Connectors Kafka's names.
 *
 * <pre>{@code
 * Consumer.committableSource(settings, Subscriptions.topics("orders", "refunds"));
 * Consumer.plainSource(settings, Subscriptions.assignmentWithOffset(new TopicPartition("orders", 0), 42L));
 * }</pre>
 */
public final class Subscriptions {
  private Subscriptions() {}

  /** These topics, group-managed (the settings need a {@code group.id}). */
  public static Subscription.AutoSubscription topics(String... topics) {
    return topics(Set.of(topics));
  }

  /** These topics, group-managed (the settings need a {@code group.id}). */
  public static Subscription.AutoSubscription topics(Set<String> topics) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("subscribe to at least one topic");
    }
    return new Subscription.Topics(topics, null);
  }

  /**
   * Every topic matching a Java regular expression, group-managed; topics created later join when
   * the consumer next checks metadata ({@code metadata.max.age.ms}).
   *
   * @throws java.util.regex.PatternSyntaxException if the pattern is not a valid expression
   */
  public static Subscription.AutoSubscription topicPattern(String pattern) {
    Pattern.compile(pattern);
    return new Subscription.TopicPattern(pattern, null);
  }

  /** These partitions, without group management. */
  public static Subscription.ManualSubscription assignment(TopicPartition... partitions) {
    return assignment(Set.of(partitions));
  }

  /** These partitions, without group management. */
  public static Subscription.ManualSubscription assignment(Set<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("assign at least one partition");
    }
    return new Subscription.Assignment(partitions, null);
  }

  /** One partition from an offset. */
  public static Subscription.ManualSubscription assignmentWithOffset(TopicPartition partition, long offset) {
    return assignmentWithOffset(Map.of(partition, offset));
  }

  /** Partitions, each from an offset. */
  public static Subscription.ManualSubscription assignmentWithOffset(Map<TopicPartition, Long> offsets) {
    offsets.forEach((tp, o) -> {
      if (o < 0) {
        throw new IllegalArgumentException("offset of " + tp + " must be >= 0, not " + o);
      }
    });
    return new Subscription.AssignmentWithOffset(offsets, null);
  }

  /** One partition from the first record at or after a timestamp (ms since the epoch). */
  public static Subscription.ManualSubscription assignmentOffsetsForTimes(TopicPartition partition, long timestamp) {
    return assignmentOffsetsForTimes(Map.of(partition, timestamp));
  }

  /** Partitions, each from the first record at or after a timestamp (ms since the epoch). */
  public static Subscription.ManualSubscription assignmentOffsetsForTimes(Map<TopicPartition, Long> timestamps) {
    timestamps.forEach((tp, t) -> {
      if (t < 0) {
        throw new IllegalArgumentException("timestamp of " + tp + " must be >= 0, not " + t);
      }
    });
    return new Subscription.AssignmentOffsetsForTimes(timestamps, null);
  }
}
