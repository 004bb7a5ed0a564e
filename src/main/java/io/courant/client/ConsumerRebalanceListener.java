package io.courant.client;

import java.util.Collection;

/**
 * Called by {@link CourantConsumer#poll} when the group moves partitions, as Kafka's listener is:
 * revoked before partitions are taken away (commit what was processed here), assigned after new
 * ones arrive, lost when the consumer was dropped from the group (the partitions may already belong
 * to another member: do not commit).
 */
public interface ConsumerRebalanceListener {
  void onPartitionsRevoked(Collection<TopicPartition> partitions);

  void onPartitionsAssigned(Collection<TopicPartition> partitions);

  /** By default, treated as a revocation. */
  default void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }

  /** A listener that does nothing. */
  ConsumerRebalanceListener NONE = new ConsumerRebalanceListener() {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  };
}
