package io.courant.client;

import io.courant.topic.TopicName;
import java.util.Objects;

/**
 * A topic's partition.
 *
 * @param topic the topic name
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, not " + partition);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }

  /**
   * Parses {@link #toString()}'s form, {@code <topic>-<partition>} (topic names may contain '-':
   * the partition follows the last one). Jackson uses it for map keys.
   *
   * @throws IllegalArgumentException if the text is not of that form
   */
  public static TopicPartition valueOf(String text) {
    int dash = text.lastIndexOf('-');
    if (dash < 1 || dash == text.length() - 1) {
      throw new IllegalArgumentException("expected <topic>-<partition>, not '" + text + "'");
    }
    try {
      return new TopicPartition(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected <topic>-<partition>, not '" + text + "'");
    }
  }

  static String checkTopic(String topic) {
    String problem = TopicName.problem(topic);
    if (problem != null) {
      throw new InvalidTopicException(problem);
    }
    return topic;
  }
}
