package io.courant.client;

import java.util.List;

/**
 * What a fetch returned.
 *
 * @param partition the partition read
 * @param records the records at or after the requested offset, in offset order
 * @param highWatermark the partition's log end offset (the next offset to be written)
 * @param logStartOffset the first readable offset
 */
public record FetchResult(TopicPartition partition, List<ConsumerRecord> records, long highWatermark, long logStartOffset) {
  /** The offset to fetch from next. */
  public long nextOffset(long requested) {
    return records.isEmpty() ? requested : records.get(records.size() - 1).offset() + 1;
  }
}
