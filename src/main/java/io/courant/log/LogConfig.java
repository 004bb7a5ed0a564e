package io.courant.log;

import io.courant.CborSerializable;

/**
 * The topic settings a partition log obeys, typed. Built from Kafka-named topic configs by
 * {@code io.courant.topic.TopicConfigs}.
 *
 * @param maxMessageBytes {@code max.message.bytes}: the largest record batch accepted
 * @param logAppendTime {@code message.timestamp.type=LogAppendTime}: stamp the append time
 * @param retentionMs {@code retention.ms}, -1 = forever
 * @param retentionBytes {@code retention.bytes}, -1 = unbounded
 * @param compact {@code cleanup.policy} contains {@code compact}
 * @param delete {@code cleanup.policy} contains {@code delete}
 * @param deleteRetentionMs {@code delete.retention.ms}: how long tombstones survive compaction
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: the share of the log not yet
 *     compacted that starts a compaction pass
 */
public record LogConfig(
    int maxMessageBytes,
    boolean logAppendTime,
    long retentionMs,
    long retentionBytes,
    boolean compact,
    boolean delete,
    long deleteRetentionMs,
    double minCleanableDirtyRatio) implements CborSerializable {

  /** Kafka's broker defaults. */
  public static final LogConfig DEFAULT = new LogConfig(1048588, false, 604800000L, -1L, false, true, 86400000L, 0.5);
}
