package io.courant.http.internal;

import io.courant.client.TopicPartition;
import java.util.Comparator;

/** The order the API lists partitions in: by topic name, then partition number. */
final class Ordering {
  static final Comparator<TopicPartition> TOPIC_PARTITION =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private Ordering() {}
}
