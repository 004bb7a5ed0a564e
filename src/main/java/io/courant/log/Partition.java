package io.courant.log;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.log.internal.PartitionBehavior;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One partition of a topic: an ordered, append-only log of record batches, kept by a
 * cluster-sharded entity whose event journal lives in Cassandra.
 *
 * <p>The entity id is {@code <topic id>-<partition>} ({@link #entityId}); a topic deleted and
 * created again gets a new id and so starts empty. Any Pekko application can {@code ask} it:
 *
 * <pre>{@code
 * EntityRef<Partition.Command> p = ClusterSharding.get(system).entityRefFor(Partition.ENTITY_KEY, Partition.entityId(topicId, 0));
 * CompletionStage<Partition.AppendReply> r = p.ask(replyTo -> new Partition.Append(batches, Partition.Acks.ALL, replyTo), timeout);
 * }</pre>
 *
 * <p>Appends that arrive while a journal write is in flight are written together in the next one
 * (group commit); replies keep the order of the requests. Reads never wait behind writes.
 */
public final class Partition {
  private Partition() {}

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "partition");

  /** Kafka's {@code ListOffsets} special timestamp for the log start offset. */
  public static final long EARLIEST_TIMESTAMP = -2L;

  /** Kafka's {@code ListOffsets} special timestamp for the log end offset. */
  public static final long LATEST_TIMESTAMP = -1L;

  /** The sharding entity id of a partition. */
  public static String entityId(UUID topicId, int partition) {
    return topicId + "-" + partition;
  }

  /**
   * Maps a partition's entity id to its shard (sharding's default extractor, with this system's
   * number of shards). Make it once and keep it: it reads the sharding settings.
   */
  public static HashCodeMessageExtractor<Command> shards(ActorSystem<?> system) {
    return new HashCodeMessageExtractor<>(ClusterShardingSettings.create(system).numberOfShards());
  }

  /**
   * Where partitions are hosted now: each allocated shard and the address of the region holding it,
   * from sharding's own statistics (asked of every region). A region that does not answer within
   * {@code timeout} is left out; shards that failed to start stay with their region.
   */
  public static CompletionStage<Map<String, Address>> shardHomes(ActorSystem<?> system, Duration timeout) {
    return AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(system).shardState(),
            r -> new GetClusterShardingStats(ENTITY_KEY, timeout, r), timeout.plusSeconds(1), system.scheduler())
        .thenApply(stats -> {
          Map<String, Address> byShard = new HashMap<>();
          stats.getRegions().forEach((address, region) -> {
            region.getStats().keySet().forEach(shard -> byShard.put(shard, address));
            region.getFailed().forEach(shard -> byShard.put(shard, address));
          });
          return byShard;
        });
  }

  /** Starts sharding for partitions on this node. */
  public static void init(ActorSystem<?> system, LogSettings settings, TopicResolver topics) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, topics))
        .withStopMessage(new Stop()));
  }

  /** The behavior of the partition with this entity id. */
  public static Behavior<Command> create(String entityId, LogSettings settings, TopicResolver topics) {
    return PartitionBehavior.create(entityId, settings, topics);
  }

  /** Messages a partition accepts. */
  public interface Command extends CborSerializable {}

  /** What a producer waits for: Kafka's {@code acks}. */
  public enum Acks {
    /** {@code acks=0}: the reply comes once the batch is accepted, before it is durable. */
    NONE,
    /** {@code acks=1}: the reply comes after the journal write. */
    LEADER,
    /** {@code acks=all} / {@code -1}: the reply comes after the journal write (QUORUM in production). */
    ALL;

    /**
     * Parses Kafka's {@code acks} setting.
     *
     * @throws IllegalArgumentException if it is not {@code 0}, {@code 1}, {@code -1} or {@code all}
     */
    public static Acks parse(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "0" -> NONE;
        case "1" -> LEADER;
        case "-1", "all" -> ALL;
        default -> throw new IllegalArgumentException("acks must be 0, 1, -1 or all, not '" + value + "'");
      };
    }

    /** Kafka's number: 0, 1 or -1. */
    public static Acks of(int acks) {
      return parse(Integer.toString(acks));
    }
  }

  /**
   * Appends record batches (Kafka record batch v2, offsets relative to 0). All are written or
   * none.
   */
  public record Append(byte[] batches, Acks acks, ActorRef<AppendReply> replyTo) implements Command {}

  /** Reply to {@link Append}. */
  public sealed interface AppendReply extends CborSerializable permits Appended, Rejected {}

  /**
   * The batches were appended.
   *
   * @param baseOffset offset of the first record
   * @param lastOffset offset of the last record
   * @param logAppendTime the append time stamped on the batches, or -1 with CreateTime
   * @param logStartOffset the partition's first readable offset
   */
  public record Appended(long baseOffset, long lastOffset, long logAppendTime, long logStartOffset) implements AppendReply {}

  /**
   * Reads stored batches from an offset: a long poll that waits up to {@code maxWait} for at least
   * {@code minBytes} past {@code offset}. The reply holds whole batches, the first one holding
   * {@code offset}, and at least one batch even when it is larger than {@code maxBytes}.
   */
  public record Fetch(long offset, int maxBytes, int minBytes, Duration maxWait, ActorRef<FetchReply> replyTo)
      implements Command {}

  /** Reply to {@link Fetch}. */
  public sealed interface FetchReply extends CborSerializable permits Fetched, Rejected {}

  /**
   * Stored batches (possibly none when the wait ran out).
   *
   * @param batches Kafka record batches, as stored
   * @param highWatermark the offset the next record will get
   * @param logStartOffset the first readable offset
   */
  public record Fetched(byte[] batches, long highWatermark, long logStartOffset) implements FetchReply {}

  /**
   * Finds an offset: the first whose timestamp is at or after {@code timestamp}, or with {@link
   * #EARLIEST_TIMESTAMP} / {@link #LATEST_TIMESTAMP} the log start / end offset.
   */
  public record ListOffsets(long timestamp, ActorRef<OffsetsReply> replyTo) implements Command {}

  /** Reply to {@link ListOffsets} and {@link GetLogState}. */
  public sealed interface OffsetsReply extends CborSerializable permits OffsetFound, Rejected {}

  /**
   * @param offset the offset found, or -1 when no record has such a timestamp
   * @param timestamp that record's timestamp, or -1
   */
  public record OffsetFound(long offset, long timestamp) implements OffsetsReply {}

  /** Asks for the partition's marks and size. */
  public record GetLogState(ActorRef<LogStateReply> replyTo) implements Command {}

  /** Reply to {@link GetLogState}. */
  public sealed interface LogStateReply extends CborSerializable permits LogStatus, Rejected {}

  /**
   * @param logStartOffset the first readable offset
   * @param highWatermark the offset the next record will get
   * @param sizeInBytes bytes stored in the live log
   * @param journalEvents journal events holding the live log
   */
  public record LogStatus(long logStartOffset, long highWatermark, long sizeInBytes, int journalEvents)
      implements LogStateReply {}

  /**
   * Kafka's {@code DeleteRecords}: moves the log start offset forward to {@code beforeOffset}
   * (records before it are no longer readable, and the journal events holding only such records are
   * deleted); {@link #HIGH_WATERMARK} means the log end. The log start never moves back: an offset
   * at or before it changes nothing.
   */
  public record DeleteRecords(long beforeOffset, ActorRef<DeleteRecordsReply> replyTo) implements Command {}

  /** {@link DeleteRecords} up to the log end (Kafka's -1). */
  public static final long HIGH_WATERMARK = -1L;

  /** Reply to {@link DeleteRecords}. */
  public sealed interface DeleteRecordsReply extends CborSerializable permits RecordsDeleted, Rejected {}

  /** @param lowWatermark the log start offset now */
  public record RecordsDeleted(long lowWatermark) implements DeleteRecordsReply {}

  /** The topic's configs changed (sent by the topic controller). */
  public record ConfigChanged(TopicLog topic) implements Command {}

  /**
   * Stops the partition gracefully (sharding sends it when the partition moves to another node, on
   * a graceful leave, and when it passivates an idle partition): the appends already accepted are
   * written and answered first, waiting fetches are answered with what there is, then it stops.
   * Meanwhile sharding holds new requests and delivers them to the next incarnation.
   */
  public record Stop() implements Command {}

  /** The topic was deleted: the partition answers everything with an error and stops. */
  public record TopicDeleted() implements Command {}

  /** A request was refused: nothing was written. */
  public record Rejected(ErrorCode code, String message)
      implements AppendReply, FetchReply, OffsetsReply, LogStateReply, DeleteRecordsReply {}
}
