package io.courant.group;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.client.TopicPartition;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The coordinator of one consumer group: a cluster-sharded, persistent entity per group id (entity
 * id = the group id), holding the group's committed offsets.
 *
 * <p>This release implements the offset side of Kafka's group semantics: commits (with metadata)
 * by consumers that manage their own assignment (Kafka's "simple" commits: generation -1, no
 * member id), fetches of committed offsets, describe, delete and offset reset of an empty group.
 * Group membership (join, sync, heartbeat, leave, generations and rebalancing) is the next step; its
 * commands will be served by this same entity, so commits will then be checked against the
 * member id and generation.
 */
public final class GroupCoordinator
    extends EventSourcedBehaviorWithEnforcedReplies<GroupCoordinator.Command, GroupCoordinator.Event, GroupCoordinator.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "group");

  /** Generation id of commits made outside group membership (Kafka's simple consumers, admin). */
  public static final int NO_GENERATION = -1;

  /** Starts sharding of group coordinators on this node. */
  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), Clock.systemUTC())));
  }

  public static Behavior<Command> create(String groupId, Clock clock) {
    return new GroupCoordinator(groupId, clock);
  }

  // ---- protocol

  public interface Command extends CborSerializable {}

  /**
   * Commits offsets: for each partition, the next offset to read (last processed + 1).
   *
   * @param memberId the committing member, or "" outside group membership
   * @param generationId the member's generation, or {@link #NO_GENERATION}
   */
  public record CommitOffsets(String memberId, int generationId, Map<TopicPartition, OffsetAndMetadata> offsets,
      ActorRef<Reply> replyTo) implements Command {}

  /** Reads committed offsets: of the given partitions, or of all when the list is empty. */
  public record FetchOffsets(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Command {}

  /** Describes the group. */
  public record DescribeGroup(ActorRef<Reply> replyTo) implements Command {}

  /** Deletes the group and its committed offsets; only an empty group can be deleted. */
  public record DeleteGroup(ActorRef<Reply> replyTo) implements Command {}

  /** Sets committed offsets of an empty group (the admin reset: earliest, latest, timestamp or offset). */
  public record ResetOffsets(Map<TopicPartition, Long> offsets, ActorRef<Reply> replyTo) implements Command {}

  /** Replies of the coordinator. */
  public sealed interface Reply extends CborSerializable permits Committed, Offsets, Group, Deleted, Rejected {}

  public record Committed() implements Reply {}

  /** Committed offsets; partitions without a commit are absent. */
  public record Offsets(Map<TopicPartition, OffsetAndMetadata> offsets) implements Reply {}

  /**
   * @param groupId the group
   * @param state the group's state
   * @param offsets its committed offsets
   */
  public record Group(String groupId, GroupState state, Map<TopicPartition, OffsetAndMetadata> offsets) implements Reply {}

  public record Deleted() implements Reply {}

  /** Refused; nothing changed. */
  public record Rejected(ErrorCode code, String message) implements Reply {}

  // ---- events and state

  public interface Event extends CborSerializable {}

  public record OffsetsCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) implements Event {}

  public record GroupDeleted() implements Event {}

  /** The group's durable state: its committed offsets (immutable maps, replaced on change). */
  public record State(Map<TopicPartition, OffsetAndMetadata> offsets) implements CborSerializable {
    State commit(Map<TopicPartition, OffsetAndMetadata> committed) {
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>(offsets);
      next.putAll(committed);
      return new State(Map.copyOf(next));
    }

    /** Kafka's state of a group without members: Empty while it has offsets, Dead otherwise. */
    GroupState groupState() {
      return offsets.isEmpty() ? GroupState.DEAD : GroupState.EMPTY;
    }
  }

  private final String groupId;
  private final Clock clock;

  private GroupCoordinator(String groupId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), groupId));
    this.groupId = groupId;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(CommitOffsets.class, this::onCommitOffsets)
        .onCommand(FetchOffsets.class, this::onFetchOffsets)
        .onCommand(DescribeGroup.class, this::onDescribeGroup)
        .onCommand(DeleteGroup.class, this::onDeleteGroup)
        .onCommand(ResetOffsets.class, this::onResetOffsets)
        .build();
  }

  private ReplyEffect<Event, State> onCommitOffsets(State state, CommitOffsets cmd) {
    if (cmd.generationId() != NO_GENERATION || !cmd.memberId().isEmpty()) {
      // No member can hold a generation yet: membership comes with the join protocol.
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + cmd.memberId()
          + "' (generation " + cmd.generationId() + ") is not a member of group '" + groupId
          + "'; commit with member id \"\" and generation -1 outside group membership"));
    }
    String problem = offsetProblem(cmd.offsets().values().stream().map(OffsetAndMetadata::offset).toList());
    if (problem != null) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.INVALID_REQUEST, problem));
    }
    Map<TopicPartition, OffsetAndMetadata> stamped = new TreeMap<>(GroupCoordinator::compare);
    cmd.offsets().forEach((tp, o) -> stamped.put(tp, new OffsetAndMetadata(o.offset(), o.metadata(), clock.millis())));
    return Effect().persist(new OffsetsCommitted(stamped)).thenReply(cmd.replyTo(), s -> new Committed());
  }

  private ReplyEffect<Event, State> onFetchOffsets(State state, FetchOffsets cmd) {
    if (cmd.partitions().isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Offsets(sorted(state.offsets())));
    }
    Map<TopicPartition, OffsetAndMetadata> found = new TreeMap<>(GroupCoordinator::compare);
    for (TopicPartition tp : cmd.partitions()) {
      OffsetAndMetadata o = state.offsets().get(tp);
      if (o != null) {
        found.put(tp, o);
      }
    }
    return Effect().reply(cmd.replyTo(), new Offsets(found));
  }

  private ReplyEffect<Event, State> onDescribeGroup(State state, DescribeGroup cmd) {
    return Effect().reply(cmd.replyTo(), new Group(groupId, state.groupState(), sorted(state.offsets())));
  }

  private ReplyEffect<Event, State> onDeleteGroup(State state, DeleteGroup cmd) {
    if (state.groupState() == GroupState.DEAD) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.GROUP_ID_NOT_FOUND, "group '" + groupId + "' does not exist"));
    }
    return Effect().persist(new GroupDeleted()).thenReply(cmd.replyTo(), s -> new Deleted());
  }

  private ReplyEffect<Event, State> onResetOffsets(State state, ResetOffsets cmd) {
    String problem = offsetProblem(cmd.offsets().values());
    if (problem != null) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.INVALID_REQUEST, problem));
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>(GroupCoordinator::compare);
    cmd.offsets().forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, "", clock.millis())));
    return Effect().persist(new OffsetsCommitted(offsets)).thenReply(cmd.replyTo(), s -> new Committed());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OffsetsCommitted.class, (state, e) -> state.commit(e.offsets()))
        .onEvent(GroupDeleted.class, (state, e) -> emptyState())
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  private static String offsetProblem(Collection<Long> offsets) {
    for (long offset : offsets) {
      if (offset < 0) {
        return "a committed offset must be >= 0 (the next offset to read), not " + offset;
      }
    }
    return null;
  }

  private static Map<TopicPartition, OffsetAndMetadata> sorted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> out = new TreeMap<>(GroupCoordinator::compare);
    out.putAll(offsets);
    return out;
  }

  private static int compare(TopicPartition a, TopicPartition b) {
    int byTopic = a.topic().compareTo(b.topic());
    return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
  }
}
