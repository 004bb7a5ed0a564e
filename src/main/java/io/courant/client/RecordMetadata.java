package io.courant.client;

/**
 * Where a produced record was stored.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset
 * @param timestamp the record's timestamp (the append time when the topic uses LogAppendTime)
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {}
