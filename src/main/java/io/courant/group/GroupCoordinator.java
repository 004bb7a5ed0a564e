package io.courant.group;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.client.TopicPartition;
import io.courant.log.internal.FencedBehavior;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The coordinator of one consumer group: a cluster-sharded, persistent entity per group id (entity
 * id = the group id), holding the group's committed offsets.
 *
 * <p>It serves Kafka's classic group protocol: {@link JoinGroup} (a join barrier that waits for
 * every known member to rejoin, up to the rebalance timeout; new members may be asked to rejoin with
 * the member id they were given), {@link SyncGroup} (the leader hands in the assignment, each member
 * receives its part), {@link Heartbeat} (session timeouts remove silent members and start a
 * rebalance), {@link LeaveGroup}, and static membership ({@code group.instance.id}: a member
 * rejoining under its instance id takes its old place without a rebalance). The assignment itself is
 * computed by the leader ({@link PartitionAssignor}s), as in Kafka.
 *
 * <p>Committed offsets (with metadata) are persisted; commits from members are checked against
 * their member id and generation, and commits outside membership (Kafka's "simple" commits:
 * generation -1, no member id) are accepted while the group has no members. The membership is
 * persisted as Kafka stores its group metadata: when a rebalance completes (the leader's sync), when
 * a static member takes its place again, and when the group becomes empty. A coordinator that
 * restarts or moves to another node takes the group back as Stable with the same generation,
 * members and assignments, and gives every member a fresh session: members that keep heartbeating
 * notice nothing, the dead ones expire. Generations never repeat.
 */
public final class GroupCoordinator
    extends EventSourcedBehaviorWithEnforcedReplies<GroupCoordinator.Command, GroupCoordinator.Event, GroupCoordinator.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "group");

  /** Generation id of commits made outside group membership (Kafka's simple consumers, admin). */
  public static final int NO_GENERATION = -1;

  /** Starts sharding of group coordinators on this node. */
  public static void init(ActorSystem<?> system) {
    // Fenced like partitions: a coordinator starts only once a previous owner's lease has run out.
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> FencedBehavior.of(Command.class,
        PersistenceId.of(ENTITY_KEY.name(), ctx.getEntityId()).id(), create(ctx.getEntityId(), Clock.systemUTC()))));
  }

  public static Behavior<Command> create(String groupId, Clock clock) {
    return create(groupId, clock, Duration.ofSeconds(3));
  }

  /**
   * @param initialRebalanceDelay how long an empty group waits for more members before its first
   *     rebalance (Kafka's {@code group.initial.rebalance.delay.ms})
   */
  public static Behavior<Command> create(String groupId, Clock clock, Duration initialRebalanceDelay) {
    return Behaviors.withTimers(timers -> new GroupCoordinator(groupId, clock, timers, initialRebalanceDelay));
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

  /**
   * Deletes the committed offsets of these partitions (Kafka's OffsetDelete). Refused with
   * GROUP_SUBSCRIBED_TO_TOPIC while the group has members: the coordinator does not read their
   * subscriptions, so it cannot tell which topics are still consumed.
   */
  public record DeleteOffsets(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Command {}

  /** Sets committed offsets of an empty group (the admin reset: earliest, latest, timestamp or offset). */
  public record ResetOffsets(Map<TopicPartition, Long> offsets, ActorRef<Reply> replyTo) implements Command {}

  /** A partition assignment protocol a member supports (Kafka's name, e.g. "range"), with its subscription metadata. */
  public record Protocol(String name, byte[] metadata) implements CborSerializable {}

  /**
   * Joins (or rejoins) the group.
   *
   * @param memberId "" for a new member
   * @param groupInstanceId the static member id ({@code group.instance.id}), or null
   * @param protocolType "consumer" for consumers
   * @param protocols the assignment protocols, in the member's order of preference
   * @param requireKnownMemberId a new member first gets a member id and must join again with it
   */
  public record JoinGroup(String memberId, String groupInstanceId, String protocolType, List<Protocol> protocols,
      long sessionTimeoutMs, long rebalanceTimeoutMs, boolean requireKnownMemberId, ActorRef<JoinReply> replyTo)
      implements Command {}

  /** Reply to {@link JoinGroup}. */
  public sealed interface JoinReply extends CborSerializable permits Joined, MemberIdRequired, Rejected {}

  /**
   * The rebalance completed its join phase.
   *
   * @param members for the leader only: every member with its metadata for the chosen protocol
   */
  public record Joined(int generationId, String protocol, String leaderId, String memberId, List<MemberMetadata> members)
      implements JoinReply {}

  /** A member and its subscription metadata, as the leader sees it. */
  public record MemberMetadata(String memberId, String groupInstanceId, byte[] metadata) implements CborSerializable {}

  /** Join again with this member id (Kafka's MEMBER_ID_REQUIRED). */
  public record MemberIdRequired(String memberId) implements JoinReply {}

  /** Hands in the assignment (the leader) or asks for one's own (followers). */
  public record SyncGroup(String memberId, int generationId, Map<String, byte[]> assignments, ActorRef<SyncReply> replyTo)
      implements Command {}

  /** Reply to {@link SyncGroup}. */
  public sealed interface SyncReply extends CborSerializable permits Synced, Rejected {}

  /** This member's assignment (the protocol's encoding). */
  public record Synced(byte[] assignment) implements SyncReply {}

  /** Keeps a member's session alive; tells it when it must rejoin. */
  public record Heartbeat(String memberId, int generationId, ActorRef<Reply> replyTo) implements Command {}

  /** Leaves the group (a consumer's close). */
  public record LeaveGroup(String memberId, ActorRef<Reply> replyTo) implements Command {}

  /**
   * A member of {@link Group}.
   *
   * @param assignment its assignment as the protocol encodes it
   * @param partitions the same, decoded, for consumer groups (protocol type "consumer")
   */
  public record MemberDescription(String memberId, String groupInstanceId, byte[] assignment, List<TopicPartition> partitions)
      implements CborSerializable {}

  private record CheckSessions() implements Command {}

  private record CompleteJoin(int round) implements Command {}

  /** Replies of the coordinator. */
  public sealed interface Reply extends CborSerializable permits Committed, Offsets, Group, Deleted, Rejected, Ok {}

  public record Committed() implements Reply {}

  /** The request was accepted (heartbeat, leave). */
  public record Ok() implements Reply {}

  /** Committed offsets; partitions without a commit are absent. */
  public record Offsets(Map<TopicPartition, OffsetAndMetadata> offsets) implements Reply {}

  /**
   * @param groupId the group
   * @param state the group's state
   * @param protocol the chosen assignment protocol, or "" without members
   * @param generationId the current generation
   * @param members the members and their assignments
   * @param offsets its committed offsets
   */
  public record Group(String groupId, GroupState state, String protocol, int generationId, List<MemberDescription> members,
      Map<TopicPartition, OffsetAndMetadata> offsets) implements Reply {}

  public record Deleted() implements Reply {}

  /** Refused; nothing changed. */
  public record Rejected(ErrorCode code, String message) implements Reply, JoinReply, SyncReply {}

  // ---- events and state

  public interface Event extends CborSerializable {}

  public record OffsetsCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) implements Event {}

  public record GroupDeleted() implements Event {}

  public record OffsetsDeleted(List<TopicPartition> partitions) implements Event {}

  /** A rebalance completed its join phase with this generation. */
  public record GenerationStarted(int generationId) implements Event {}

  /** A rebalance completed (or a static member took its place again): the group as it now is. */
  public record GroupStabilized(StableMembership membership) implements Event {}

  /** The last member left or expired. */
  public record MembersGone() implements Event {}

  /** A stable group's membership, as persisted. */
  public record StableMembership(int generationId, String protocolType, String protocol, String leaderId,
      List<StoredMember> members) implements CborSerializable {}

  /** A member as persisted: what its last join said, and its assignment. */
  public record StoredMember(String memberId, String groupInstanceId, String protocolType, List<Protocol> protocols,
      long sessionTimeoutMs, long rebalanceTimeoutMs, byte[] assignment) implements CborSerializable {}

  /**
   * The group's durable state: its committed offsets (immutable maps, replaced on change), the
   * last generation, and the membership of its last stable generation (null when it has no members).
   */
  public record State(Map<TopicPartition, OffsetAndMetadata> offsets, int generationId, StableMembership membership)
      implements CborSerializable {
    State commit(Map<TopicPartition, OffsetAndMetadata> committed) {
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>(offsets);
      next.putAll(committed);
      return new State(Map.copyOf(next), generationId, membership);
    }

    State delete(List<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>(offsets);
      partitions.forEach(next::remove);
      return new State(Map.copyOf(next), generationId, membership);
    }

    /** Kafka's state of a group without members: Empty while it has offsets, Dead otherwise. */
    GroupState groupState() {
      return offsets.isEmpty() ? GroupState.DEAD : GroupState.EMPTY;
    }
  }

  private final String groupId;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final Duration initialRebalanceDelay;
  private final GroupMembership group = new GroupMembership();
  private int joinRound;

  private GroupCoordinator(String groupId, Clock clock, TimerScheduler<Command> timers, Duration initialRebalanceDelay) {
    super(PersistenceId.of(ENTITY_KEY.name(), groupId));
    this.groupId = groupId;
    this.clock = clock;
    this.timers = timers;
    this.initialRebalanceDelay = initialRebalanceDelay;
  }

  @Override
  public State emptyState() {
    return new State(Map.of(), 0, null);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (state.membership() != null && !state.membership().members().isEmpty()) {
        group.restore(state.membership(), clock.millis());
        timers.startTimerWithFixedDelay(SESSION_TIMER, new CheckSessions(), Duration.ofMillis(500));
      }
    }).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(CommitOffsets.class, this::onCommitOffsets)
        .onCommand(FetchOffsets.class, this::onFetchOffsets)
        .onCommand(DescribeGroup.class, this::onDescribeGroup)
        .onCommand(DeleteGroup.class, this::onDeleteGroup)
        .onCommand(ResetOffsets.class, this::onResetOffsets)
        .onCommand(DeleteOffsets.class, this::onDeleteOffsets)
        .onCommand(JoinGroup.class, this::onJoinGroup)
        .onCommand(CompleteJoin.class, this::onCompleteJoin)
        .onCommand(SyncGroup.class, this::onSyncGroup)
        .onCommand(Heartbeat.class, this::onHeartbeat)
        .onCommand(LeaveGroup.class, this::onLeaveGroup)
        .onCommand(CheckSessions.class, this::onCheckSessions)
        .build();
  }

  private ReplyEffect<Event, State> onCommitOffsets(State state, CommitOffsets cmd) {
    Rejected refused = commitRefusal(cmd);
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    String problem = offsetProblem(cmd.offsets().values().stream().map(OffsetAndMetadata::offset).toList());
    if (problem != null) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.INVALID_REQUEST, problem));
    }
    Map<TopicPartition, OffsetAndMetadata> stamped = new TreeMap<>(GroupCoordinator::compare);
    cmd.offsets().forEach((tp, o) -> stamped.put(tp, new OffsetAndMetadata(o.offset(), o.metadata(), clock.millis())));
    return Effect().persist(new OffsetsCommitted(stamped)).thenReply(cmd.replyTo(), s -> new Committed());
  }

  private Rejected commitRefusal(CommitOffsets cmd) {
    if (cmd.generationId() == NO_GENERATION && cmd.memberId().isEmpty()) {
      return group.isEmpty() ? null : new Rejected(ErrorCode.ILLEGAL_GENERATION, "group '" + groupId
          + "' has members: commits outside membership (generation -1) are only accepted while it is empty");
    }
    GroupMembership.Member member = group.members.get(cmd.memberId());
    if (member == null) {
      return new Rejected(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + cmd.memberId() + "' is not in group '" + groupId + "'");
    }
    if (cmd.generationId() != group.generationId) {
      return new Rejected(ErrorCode.ILLEGAL_GENERATION, "generation " + cmd.generationId() + " is not group '" + groupId
          + "''s current generation " + group.generationId + ": rejoin");
    }
    if (group.state == GroupState.COMPLETING_REBALANCE) {
      // As Kafka: members of the current generation may commit while the group prepares a
      // rebalance (that is when they commit what they revoke), not while the new assignment is made.
      return new Rejected(ErrorCode.REBALANCE_IN_PROGRESS, "group '" + groupId + "' is completing a rebalance: rejoin");
    }
    member.lastHeartbeatMillis = clock.millis();
    return null;
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
    List<MemberDescription> members = group.members.values().stream()
        .map(m -> new MemberDescription(m.memberId, m.groupInstanceId, m.assignment, partitions(m))).toList();
    GroupState groupState = group.isEmpty() ? state.groupState() : group.state;
    return Effect().reply(cmd.replyTo(), new Group(groupId, groupState, group.isEmpty() ? "" : group.protocol,
        Math.max(group.generationId, state.generationId()), members, sorted(state.offsets())));
  }

  private ReplyEffect<Event, State> onDeleteGroup(State state, DeleteGroup cmd) {
    if (!group.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.NON_EMPTY_GROUP,
          "group '" + groupId + "' has " + group.members.size() + " members: only an empty group can be deleted"));
    }
    if (state.groupState() == GroupState.DEAD) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.GROUP_ID_NOT_FOUND, "group '" + groupId + "' does not exist"));
    }
    return Effect().persist(new GroupDeleted()).thenReply(cmd.replyTo(), s -> new Deleted());
  }

  private ReplyEffect<Event, State> onResetOffsets(State state, ResetOffsets cmd) {
    if (!group.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.NON_EMPTY_GROUP, "group '" + groupId + "' has "
          + group.members.size() + " members: offsets can only be reset while it is empty (stop its consumers first)"));
    }
    String problem = offsetProblem(cmd.offsets().values());
    if (problem != null) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.INVALID_REQUEST, problem));
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>(GroupCoordinator::compare);
    cmd.offsets().forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, "", clock.millis())));
    return Effect().persist(new OffsetsCommitted(offsets)).thenReply(cmd.replyTo(), s -> new Committed());
  }

  private ReplyEffect<Event, State> onDeleteOffsets(State state, DeleteOffsets cmd) {
    if (!group.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, "group '" + groupId + "' has "
          + group.members.size() + " members: offsets can only be deleted while it is empty"));
    }
    if (state.groupState() == GroupState.DEAD) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.GROUP_ID_NOT_FOUND, "group '" + groupId + "' does not exist"));
    }
    return Effect().persist(new OffsetsDeleted(List.copyOf(cmd.partitions()))).thenReply(cmd.replyTo(), s -> new Deleted());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OffsetsCommitted.class, (state, e) -> state.commit(e.offsets()))
        .onEvent(GroupDeleted.class, (state, e) -> new State(Map.of(), state.generationId(), null))
        .onEvent(OffsetsDeleted.class, (state, e) -> state.delete(e.partitions()))
        .onEvent(GenerationStarted.class, (state, e) -> new State(state.offsets(), e.generationId(), state.membership()))
        .onEvent(GroupStabilized.class, (state, e) -> new State(state.offsets(), state.generationId(), e.membership()))
        .onEvent(MembersGone.class, (state, e) -> new State(state.offsets(), state.generationId(), null))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  // ---- membership: Kafka's classic group protocol

  private static final String JOIN_TIMER = "complete-join";
  private static final String SESSION_TIMER = "check-sessions";
  private static final long MIN_SESSION_TIMEOUT_MS = 1_000;
  private static final long MAX_SESSION_TIMEOUT_MS = 1_800_000;

  private final java.util.Set<String> pendingMemberIds = new java.util.HashSet<>();
  private boolean initialDelayRunning;

  private ReplyEffect<Event, State> onJoinGroup(State state, JoinGroup cmd) {
    Rejected refused = joinRefusal(cmd);
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    long now = clock.millis();
    GroupMembership.Member member;
    if (cmd.memberId().isEmpty()) {
      String memberId = (cmd.groupInstanceId() != null ? cmd.groupInstanceId() : "member") + "-" + UUID.randomUUID();
      var previous = group.byInstanceId(cmd.groupInstanceId());
      if (previous.isPresent()) {
        // A static member came back: it takes its old place and assignment.
        member = replace(previous.get(), cmd, memberId, now);
        if (group.state == GroupState.STABLE && previous.get().sameProtocols(cmd)) {
          GroupMembership.Member returned = member;
          return Effect().persist(new GroupStabilized(group.stable())).thenReply(cmd.replyTo(), s -> joined(returned));
        }
      } else if (cmd.requireKnownMemberId()) {
        pendingMemberIds.add(memberId);
        return Effect().reply(cmd.replyTo(), new MemberIdRequired(memberId));
      } else {
        member = new GroupMembership.Member(cmd, memberId, now);
        group.members.put(memberId, member);
      }
    } else {
      GroupMembership.Member existing = group.members.get(cmd.memberId());
      if (existing == null && !pendingMemberIds.remove(cmd.memberId())) {
        return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.UNKNOWN_MEMBER_ID,
            "member '" + cmd.memberId() + "' is not in group '" + groupId + "': join with an empty member id"));
      }
      if (existing == null) {
        member = new GroupMembership.Member(cmd, cmd.memberId(), now);
        group.members.put(member.memberId, member);
      } else if (!existing.sameProtocols(cmd)) {
        member = replace(existing, cmd, cmd.memberId(), now);
      } else {
        member = existing;
        if (group.state == GroupState.COMPLETING_REBALANCE && member.pendingJoin == null) {
          // A retried join of the generation being synced: answer it again.
          return Effect().reply(cmd.replyTo(), joined(member));
        }
      }
    }
    member.pendingJoin = cmd.replyTo();
    member.lastHeartbeatMillis = now;
    if (group.state != GroupState.PREPARING_REBALANCE) {
      startRebalance();
    }
    return tryCompleteJoin(state).thenNoReply();
  }

  private Rejected joinRefusal(JoinGroup cmd) {
    if (cmd.protocols().isEmpty()) {
      return new Rejected(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "a member must offer at least one assignment protocol");
    }
    if (cmd.sessionTimeoutMs() < MIN_SESSION_TIMEOUT_MS || cmd.sessionTimeoutMs() > MAX_SESSION_TIMEOUT_MS) {
      return new Rejected(ErrorCode.INVALID_SESSION_TIMEOUT, "session.timeout.ms " + cmd.sessionTimeoutMs() + " is outside "
          + MIN_SESSION_TIMEOUT_MS + " to " + MAX_SESSION_TIMEOUT_MS);
    }
    String protocolType = group.isEmpty() ? null : group.members.values().iterator().next().protocolType;
    if (protocolType != null && (!protocolType.equals(cmd.protocolType()) || !group.supportsAll(cmd.protocols()))) {
      return new Rejected(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "group '" + groupId + "' uses protocol type '"
          + protocolType + "' with assignors its members all support; this member offers '" + cmd.protocolType()
          + "' " + cmd.protocols().stream().map(Protocol::name).toList());
    }
    return null;
  }

  private GroupMembership.Member replace(GroupMembership.Member old, JoinGroup cmd, String memberId, long now) {
    GroupMembership.Member member = new GroupMembership.Member(cmd, memberId, now);
    member.assignment = old.assignment;
    member.pendingSync = old.pendingSync;
    group.members.remove(old.memberId);
    group.members.put(memberId, member);
    if (old.memberId.equals(group.leaderId)) {
      group.leaderId = memberId;
    }
    return member;
  }

  private void startRebalance() {
    boolean wasEmpty = group.state == GroupState.EMPTY || group.state == GroupState.DEAD || group.generationId == 0;
    group.state = GroupState.PREPARING_REBALANCE;
    for (GroupMembership.Member m : group.members.values()) {
      if (m.pendingSync != null) {
        m.pendingSync.tell(new Rejected(ErrorCode.REBALANCE_IN_PROGRESS, "group '" + groupId + "' is rebalancing: rejoin"));
        m.pendingSync = null;
      }
    }
    joinRound++;
    initialDelayRunning = wasEmpty && !initialRebalanceDelay.isZero();
    Duration wait = initialDelayRunning ? initialRebalanceDelay : Duration.ofMillis(Math.max(1, group.rebalanceTimeoutMs()));
    timers.startSingleTimer(JOIN_TIMER, new CompleteJoin(joinRound), wait);
    if (!timers.isTimerActive(SESSION_TIMER)) {
      timers.startTimerWithFixedDelay(SESSION_TIMER, new CheckSessions(), Duration.ofMillis(500));
    }
  }

  private ReplyEffect<Event, State> onCompleteJoin(State state, CompleteJoin cmd) {
    if (cmd.round() != joinRound || group.state != GroupState.PREPARING_REBALANCE) {
      return Effect().noReply();
    }
    if (initialDelayRunning) {
      initialDelayRunning = false;
      if (!group.allJoined()) {
        // The initial delay is over; now wait for the others up to the rebalance timeout.
        timers.startSingleTimer(JOIN_TIMER, new CompleteJoin(joinRound), Duration.ofMillis(Math.max(1, group.rebalanceTimeoutMs())));
        return Effect().noReply();
      }
    }
    return completeJoin(state).thenNoReply();
  }

  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> tryCompleteJoin(State state) {
    if (group.state == GroupState.PREPARING_REBALANCE && !initialDelayRunning && group.allJoined()) {
      timers.cancel(JOIN_TIMER);
      return completeJoin(state);
    }
    return Effect().none();
  }

  /** Ends the join phase: members that did not rejoin are dropped, the next generation starts. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> completeJoin(State state) {
    group.members.values().removeIf(m -> m.pendingJoin == null);
    if (group.isEmpty()) {
      group.state = GroupState.EMPTY;
      timers.cancel(SESSION_TIMER);
      return state.membership() != null ? Effect().persist(new MembersGone()) : Effect().none();
    }
    int generation = Math.max(group.generationId, state.generationId()) + 1;
    return Effect().persist(new GenerationStarted(generation)).thenRun(s -> {
      GroupMembership.Member first = group.members.values().iterator().next();
      group.generationId = generation;
      group.protocolType = first.protocolType;
      group.protocol = group.chooseProtocol();
      if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
        group.leaderId = first.memberId;
      }
      group.state = GroupState.COMPLETING_REBALANCE;
      long now = clock.millis();
      for (GroupMembership.Member m : group.members.values()) {
        m.pendingJoin.tell(joined(m));
        m.pendingJoin = null;
        m.lastHeartbeatMillis = now;
      }
    });
  }

  private Joined joined(GroupMembership.Member m) {
    List<MemberMetadata> members = new ArrayList<>();
    if (m.memberId.equals(group.leaderId)) {
      for (GroupMembership.Member x : group.members.values()) {
        members.add(new MemberMetadata(x.memberId, x.groupInstanceId, x.metadata(group.protocol)));
      }
    }
    return new Joined(group.generationId, group.protocol, group.leaderId, m.memberId, members);
  }

  private ReplyEffect<Event, State> onSyncGroup(State state, SyncGroup cmd) {
    GroupMembership.Member member = group.members.get(cmd.memberId());
    Rejected refused = memberRefusal(member, cmd.memberId(), cmd.generationId());
    if (refused != null) {
      return Effect().reply(cmd.replyTo(), refused);
    }
    member.lastHeartbeatMillis = clock.millis();
    if (group.state == GroupState.STABLE) {
      return Effect().reply(cmd.replyTo(), new Synced(member.assignment));
    }
    member.pendingSync = cmd.replyTo();
    if (!cmd.memberId().equals(group.leaderId)) {
      return Effect().noReply();
    }
    for (GroupMembership.Member m : group.members.values()) {
      m.assignment = cmd.assignments().getOrDefault(m.memberId, new byte[0]);
    }
    // As Kafka: the assignment is stored before any member receives it.
    return Effect().persist(new GroupStabilized(group.stable())).thenRun(s -> {
      if (group.state != GroupState.COMPLETING_REBALANCE || group.generationId != cmd.generationId()) {
        return; // a member left or joined while the write was in flight: that rebalance told the others
      }
      group.state = GroupState.STABLE;
      for (GroupMembership.Member m : group.members.values()) {
        if (m.pendingSync != null) {
          m.pendingSync.tell(new Synced(m.assignment));
          m.pendingSync = null;
        }
      }
    }).thenNoReply();
  }

  /** A consumer group member's partitions; empty for other protocol types or undecodable bytes. */
  private List<TopicPartition> partitions(GroupMembership.Member m) {
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(m.protocolType)) {
      return List.of();
    }
    try {
      return ConsumerProtocol.decodeAssignment(m.assignment);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private ReplyEffect<Event, State> onHeartbeat(State state, Heartbeat cmd) {
    GroupMembership.Member member = group.members.get(cmd.memberId());
    if (member != null) {
      member.lastHeartbeatMillis = clock.millis();
    }
    Rejected refused = memberRefusal(member, cmd.memberId(), cmd.generationId());
    return Effect().reply(cmd.replyTo(), refused != null ? refused : new Ok());
  }

  /** Why a member's sync or heartbeat is refused, or null. */
  private Rejected memberRefusal(GroupMembership.Member member, String memberId, int generationId) {
    if (member == null) {
      return new Rejected(ErrorCode.UNKNOWN_MEMBER_ID, "member '" + memberId + "' is not in group '" + groupId + "': rejoin");
    }
    if (group.state == GroupState.PREPARING_REBALANCE) {
      return new Rejected(ErrorCode.REBALANCE_IN_PROGRESS, "group '" + groupId + "' is rebalancing: rejoin");
    }
    if (generationId != group.generationId) {
      return new Rejected(ErrorCode.ILLEGAL_GENERATION, "generation " + generationId + " is not group '" + groupId
          + "''s current generation " + group.generationId + ": rejoin");
    }
    return null;
  }

  private ReplyEffect<Event, State> onLeaveGroup(State state, LeaveGroup cmd) {
    GroupMembership.Member member = group.members.remove(cmd.memberId());
    if (member == null) {
      return Effect().reply(cmd.replyTo(), new Rejected(ErrorCode.UNKNOWN_MEMBER_ID,
          "member '" + cmd.memberId() + "' is not in group '" + groupId + "'"));
    }
    return membersLeft(state).thenReply(cmd.replyTo(), s -> new Ok());
  }

  private ReplyEffect<Event, State> onCheckSessions(State state, CheckSessions cmd) {
    long now = clock.millis();
    boolean removed = group.members.values().removeIf(m -> m.pendingJoin == null
        && now - m.lastHeartbeatMillis > m.sessionTimeoutMs);
    return removed ? membersLeft(state).thenNoReply() : Effect().noReply();
  }

  /** After members left or expired: an empty group stops; otherwise the others rebalance. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> membersLeft(State state) {
    if (group.isEmpty()) {
      group.state = GroupState.EMPTY;
      group.leaderId = null;
      timers.cancel(JOIN_TIMER);
      timers.cancel(SESSION_TIMER);
      return state.membership() != null ? Effect().persist(new MembersGone()) : Effect().none();
    }
    if (group.state != GroupState.PREPARING_REBALANCE) {
      startRebalance();
    }
    return tryCompleteJoin(state);
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
