package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.Map;

/**
 * A group's lag: per partition, log end offset minus committed offset.
 *
 * @param groupId the group
 * @param partitions per partition: committed offset, log end offset and lag
 * @param totalLag the sum of the partitions' lags
 */
public record GroupLag(String groupId, Map<TopicPartition, PartitionLag> partitions, long totalLag) {

  /**
   * @param committed the committed offset
   * @param logEndOffset the partition's log end offset (the next offset to be written)
   * @param lag {@code logEndOffset - committed}, never negative
   */
  public record PartitionLag(long committed, long logEndOffset, long lag) {}
}
