package io.courant.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses a partition the way Kafka's producer does: keyed records go to {@code
 * toPositive(murmur2(key)) % partitions}, so keys land where Kafka clients put them; unkeyed records
 * stick to one partition for a batch, then move on.
 */
public final class Partitioner {
  private final AtomicInteger sticky = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

  /** Kafka's partition for a key. */
  public static int partitionForKey(byte[] key, int partitions) {
    return toPositive(murmur2(key)) % partitions;
  }

  /** The partition for the next batch of unkeyed records. */
  /**
   * The partition of one record of a batch, as Kafka's producer chooses it: the record's own, its
   * key's murmur2 hash, or, for unkeyed records, one sticky partition for the whole batch ({@code
   * batchSticky[0]}, -1 until chosen).
   *
   * @return the partition, or -1 when the record names a partition the topic does not have
   */
  public int partitionFor(ProducerRecord record, int partitions, int[] batchSticky) {
    if (record.partition() != null) {
      return record.partition() < partitions ? record.partition() : -1;
    }
    if (record.key() != null) {
      return partitionForKey(record.key(), partitions);
    }
    if (batchSticky[0] < 0) {
      batchSticky[0] = nextStickyPartition(partitions);
    }
    return batchSticky[0];
  }

  public int nextStickyPartition(int partitions) {
    return toPositive(sticky.getAndIncrement()) % partitions;
  }

  static int toPositive(int n) {
    return n & 0x7fffffff;
  }

  /** The 32-bit murmur2 hash (seed 0x9747b28c) that Kafka's default partitioner uses. */
  public static int murmur2(byte[] data) {
    final int m = 0x5bd1e995;
    final int r = 24;
    int length = data.length;
    int h = 0x9747b28c ^ length;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = i * 4;
      int k = (data[at] & 0xff) | ((data[at + 1] & 0xff) << 8) | ((data[at + 2] & 0xff) << 16) | ((data[at + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int tail = blocks * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= m;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
