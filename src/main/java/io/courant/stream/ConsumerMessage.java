package io.courant.stream;

import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.stream.internal.OffsetCommitter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * What committable sources emit and what {@link Committer} commits, with Pekko Connectors Kafka's
 * names: a {@link CommittableMessage} is a record with its {@link CommittableOffset}; offsets are
 * gathered into a {@link CommittableOffsetBatch}.
 *
 * @see Consumer#committableSource
 * @see Committer
 */
public final class ConsumerMessage {
  private ConsumerMessage() {}

  /** Something that can be committed: one offset or a batch of them. */
  public interface Committable {
    /**
     * Commits now (prefer {@link Committer}, which gathers commits into batches).
     *
     * @return completes once the group coordinator stored the offsets; fails with {@link
     *     CommitTimeoutException}, {@link io.courant.client.IllegalGenerationException} / {@link
     *     io.courant.client.UnknownMemberIdException} (a rebalance took the partitions away), or
     *     {@link ConsumerShutDownException} (the source's consumer is closed)
     */
    CompletionStage<Done> commit();

    /** How many offsets this stands for (1 for an offset, the count of a batch). */
    long batchSize();
  }

  /** A record's position: commit it once the record is processed. */
  public interface CommittableOffset extends Committable {
    PartitionOffset partitionOffset();
  }

  /**
   * A group's partition.
   *
   * @param groupId the consumer group
   * @param topic the topic
   * @param partition the partition
   */
  public record GroupTopicPartition(String groupId, String topic, int partition) {
    public TopicPartition topicPartition() {
      return new TopicPartition(topic, partition);
    }
  }

  /**
   * A record's offset in a group's partition. Committing it stores {@code offset + 1}, the next
   * record to read (Kafka's convention).
   *
   * @param key the group and partition
   * @param offset the offset of the record
   */
  public record PartitionOffset(GroupTopicPartition key, long offset) {}

  /**
   * A record and its offset, as emitted by {@link Consumer#committableSource}.
   *
   * @param record the record
   * @param committableOffset its offset, to commit after processing
   */
  public record CommittableMessage<K, V>(ConsumerRecord<K, V> record, CommittableOffset committableOffset) {}

  /** The empty batch, to fold offsets into: {@code batch = batch.updated(offset)}. */
  public static CommittableOffsetBatch emptyCommittableOffsetBatch() {
    return CommittableOffsetBatch.EMPTY;
  }

  /** A batch of these offsets (the highest per partition wins). */
  public static CommittableOffsetBatch createCommittableOffsetBatch(List<? extends Committable> offsets) {
    Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> all = new LinkedHashMap<>();
    long size = 0;
    for (Committable c : offsets) {
      CommittableOffsetBatch.add(all, c);
      size += c.batchSize();
    }
    return new CommittableOffsetBatch(all, size);
  }

  /** An offset of a source (internal: built by the sources). */
  static final class SourceOffset implements CommittableOffset {
    private final PartitionOffset partitionOffset;
    private final OffsetCommitter committer;

    SourceOffset(PartitionOffset partitionOffset, OffsetCommitter committer) {
      this.partitionOffset = partitionOffset;
      this.committer = committer;
    }

    @Override
    public PartitionOffset partitionOffset() {
      return partitionOffset;
    }

    @Override
    public CompletionStage<Done> commit() {
      return committer.commit(Map.of(partitionOffset.key().topicPartition(), OffsetAndMetadata.of(partitionOffset.offset() + 1)));
    }

    @Override
    public long batchSize() {
      return 1;
    }

    @Override
    public String toString() {
      return "CommittableOffset(" + partitionOffset + ")";
    }
  }

  /**
   * Offsets gathered for one commit: per partition the highest, per source consumer. Immutable:
   * {@link #updated} returns a new batch.
   */
  public static final class CommittableOffsetBatch implements Committable {
    static final CommittableOffsetBatch EMPTY = new CommittableOffsetBatch(Map.of(), 0);

    private final Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> offsets;
    private final long batchSize;

    private CommittableOffsetBatch(Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> offsets, long batchSize) {
      this.offsets = offsets;
      this.batchSize = batchSize;
    }

    /**
     * This batch with an offset or another batch added.
     *
     * @throws IllegalArgumentException if {@code committable} did not come from a Courant source
     */
    public CommittableOffsetBatch updated(Committable committable) {
      Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> next = new LinkedHashMap<>();
      offsets.forEach((c, m) -> next.put(c, new LinkedHashMap<>(m)));
      add(next, committable);
      return new CommittableOffsetBatch(next, batchSize + committable.batchSize());
    }

    /** Adds an offset or a batch's offsets to {@code into} (the highest per partition wins). */
    static void add(Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> into, Committable committable) {
      if (committable instanceof SourceOffset o) {
        put(into, o.committer, o.partitionOffset);
      } else if (committable instanceof CommittableOffsetBatch b) {
        b.offsets.forEach((c, m) -> m.values().forEach(po -> put(into, c, po)));
      } else {
        throw new IllegalArgumentException("not an offset of a Courant consumer source: " + committable);
      }
    }

    private static void put(Map<OffsetCommitter, Map<GroupTopicPartition, PartitionOffset>> into, OffsetCommitter c, PartitionOffset po) {
      into.computeIfAbsent(c, k -> new LinkedHashMap<>()).merge(po.key(), po, (a, b) -> a.offset() >= b.offset() ? a : b);
    }

    /** The highest offset per group and partition. */
    public Map<GroupTopicPartition, Long> offsets() {
      Map<GroupTopicPartition, Long> out = new LinkedHashMap<>();
      offsets.values().forEach(m -> m.values().forEach(po -> out.merge(po.key(), po.offset(), Math::max)));
      return out;
    }

    /** Commits every offset of the batch (one request per source consumer). */
    @Override
    public CompletionStage<Done> commit() {
      List<CompletableFuture<Done>> commits = new ArrayList<>();
      offsets.forEach((committer, m) -> {
        Map<TopicPartition, OffsetAndMetadata> toCommit = new LinkedHashMap<>();
        m.forEach((gtp, po) -> toCommit.put(gtp.topicPartition(), OffsetAndMetadata.of(po.offset() + 1)));
        commits.add(committer.commit(toCommit).toCompletableFuture());
      });
      if (commits.size() == 1) {
        return commits.get(0);
      }
      return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
    }

    /** How many offsets were added (not the number of partitions). */
    @Override
    public long batchSize() {
      return batchSize;
    }

    @Override
    public String toString() {
      return "CommittableOffsetBatch(" + offsets() + ", batchSize=" + batchSize + ")";
    }
  }
}
