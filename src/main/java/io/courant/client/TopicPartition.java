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

  static String checkTopic(String topic) {
    String problem = TopicName.problem(topic);
    if (problem != null) {
      throw new InvalidTopicException(problem);
    }
    return topic;
  }
}
