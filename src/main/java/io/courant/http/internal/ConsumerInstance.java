package io.courant.http.internal;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.client.ConsumerRebalanceListener;
import io.courant.client.ConsumerRecord;
import io.courant.client.ConsumerSettings;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.CourantException;
import io.courant.client.OffsetAndTimestamp;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.http.HttpSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A bridge consumer instance ({@code /consumers/{group}/instances/{name}}): a cluster-sharded,
 * event-sourced entity per (group, name) that owns a {@link CourantConsumer}. Any node's HTTP
 * server reaches it through sharding, so clients need no sticky sessions, and it outlives the node
 * that runs it.
 *
 * <p>What is persisted (in Cassandra, like every entity): the instance's creation (format,
 * consumer configs), its subscription or manual assignment, and its positions — the next offset
 * to hand out per partition, as the client has been served. Positions are written before a poll
 * when the previous requests moved them, and on commit and seek (one small write, skipped when
 * nothing moved). When the node running an instance is lost, the next request through any node
 * starts it on a survivor: it builds its consumer again, subscribes (as the static member {@code
 * group.instance.id} = the instance's name, so it takes its old place in the group at once) or
 * assigns, and seeks to the saved positions. The client therefore sees the records of its last
 * poll again, never a gap: at-least-once, like a Kafka consumer restarting from its commits, but
 * from the last poll instead of the last commit.
 *
 * <p>The Java consumer blocks (poll, commit, seek), so the entity runs on its own dispatcher
 * ({@link HttpSettings#CONSUMER_DISPATCHER}), never on the default one, and handles one request
 * at a time, as the consumer requires. An instance that gets no request for {@code
 * courant.http.consumer.instance-timeout} closes its consumer, leaves its group and is closed for
 * good; so is a deleted one. One whose node was lost and that nobody calls within the timeout is
 * found expired by its next request (404). An entity started for a name that was never created
 * (or is closed) answers "not found" and stops.
 */
public final class ConsumerInstance
    extends EventSourcedBehaviorWithEnforcedReplies<ConsumerInstance.Command, ConsumerInstance.Event, ConsumerInstance.State> {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "http-consumer");

  /** Starts consumer-instance sharding on this node (no passivation: idleness is the instance timeout). */
  public static void init(ActorSystem<?> system, HttpSettings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
            ctx -> create(ctx.getShard(), ctx.getEntityId(), settings.instanceTimeout(), Clock.systemUTC()))
        .withStopMessage(new Stop())
        .withEntityProps(DispatcherSelector.fromConfig(HttpSettings.CONSUMER_DISPATCHER))
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** The entity id of a group's instance (the group's length first: both parts may hold any character). */
  public static String entityId(String group, String name) {
    return group.length() + ":" + group + ":" + name;
  }

  /**
   * @param shard the entity's shard, told when the instance is done (sharding then buffers the
   *     requests that arrive while it stops, and hands them to a fresh entity)
   */
  public static Behavior<Command> create(ActorRef<ClusterSharding.ShardCommand> shard, String entityId, Duration instanceTimeout,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConsumerInstance(ctx, shard, timers, entityId, instanceTimeout, clock)));
  }

  // ---- protocol

  public interface Command extends CborSerializable {}

  /** A command that expects a reply. */
  public interface Request extends Command {
    ActorRef<Reply> replyTo();
  }

  /**
   * Creates the instance.
   *
   * @param format json, binary or text
   * @param consumerConfigs Kafka consumer settings ({@link ConsumerSettings} keys)
   * @param pollTimeoutMs a poll's wait when the request names none
   */
  public record Create(String group, String name, String format, Map<String, String> consumerConfigs, long pollTimeoutMs,
      ActorRef<Reply> replyTo) implements Request {}

  /** Subscribes to topics, or to a pattern when {@code pattern} is not null. */
  public record Subscribe(List<String> topics, String pattern, ActorRef<Reply> replyTo) implements Request {}

  public record Unsubscribe(ActorRef<Reply> replyTo) implements Request {}

  public record GetSubscription(ActorRef<Reply> replyTo) implements Request {}

  public record Assign(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Request {}

  public record GetAssignment(ActorRef<Reply> replyTo) implements Request {}

  /**
   * Polls.
   *
   * @param format the format the client accepts, or null for the instance's
   * @param timeoutMs how long to wait for records, or -1 for the instance's default
   * @param maxBytes the most bytes of keys and values to return
   */
  public record Poll(String format, long timeoutMs, long maxBytes, ActorRef<Reply> replyTo) implements Request {}

  /** Commits these offsets (the next offset to read), or every position when the list is empty. */
  public record Commit(List<PartitionOffset> offsets, ActorRef<Reply> replyTo) implements Request {}

  /** Reads committed offsets of these partitions (of the assignment when the list is empty). */
  public record GetCommitted(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Request {}

  /** Seeks each partition to an offset, or to the first record at or after a timestamp. */
  public record Seek(List<SeekTarget> targets, ActorRef<Reply> replyTo) implements Request {}

  public record SeekToBeginning(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Request {}

  public record SeekToEnd(List<TopicPartition> partitions, ActorRef<Reply> replyTo) implements Request {}

  /** Closes the consumer (it leaves its group) and frees the name. */
  public record Delete(ActorRef<Reply> replyTo) implements Request {}

  private record IdleTimeout() implements Command {}

  /** Sharding's stop message (passivation, or a rebalance moving the shard). */
  private record Stop() implements Command {}

  /** A partition and an offset. */
  public record PartitionOffset(TopicPartition partition, long offset) implements CborSerializable {}

  /** A seek target: {@code offset} when not null, else {@code timestamp}. */
  public record SeekTarget(TopicPartition partition, Long offset, Long timestamp) implements CborSerializable {}

  public sealed interface Reply extends CborSerializable permits Ok, Records, SubscriptionInfo, Partitions, Committed, Rejected {}

  public record Ok() implements Reply {}

  /** Polled records, with the instance's format. */
  public record Records(String format, List<ConsumerRecord> records) implements Reply {}

  /** The subscription: topics (those matched, for a pattern), the pattern or null, the assignment. */
  public record SubscriptionInfo(List<String> topics, String pattern, List<TopicPartition> assignment) implements Reply {}

  public record Partitions(List<TopicPartition> partitions) implements Reply {}

  /** Committed offsets; partitions without a commit are absent. */
  public record Committed(List<PartitionOffset> offsets) implements Reply {}

  /** Why a request was refused. */
  public enum Problem { NOT_FOUND, EXISTS, CONFLICT, INVALID, FORMAT_MISMATCH, TOO_LARGE, FAILED }

  /**
   * Refused; {@code code} is Courant's error for {@link Problem#FAILED}.
   */
  public record Rejected(Problem problem, ErrorCode code, String message) implements Reply {}

  // ---- events and state

  public interface Event extends CborSerializable {}

  /** Created (again, after a close) with these settings. */
  public record Created(String group, String name, String format, Map<String, String> consumerConfigs, long pollTimeoutMs,
      long atMillis) implements Event {}

  /** Subscribed to topics, or to a pattern when {@code pattern} is not null. */
  public record Subscribed(List<String> topics, String pattern, long atMillis) implements Event {}

  public record Unsubscribed(long atMillis) implements Event {}

  public record Assigned(List<TopicPartition> partitions, long atMillis) implements Event {}

  /** The next offset to hand out, per partition, as the client has been served. */
  public record PositionsSaved(List<PartitionOffset> positions, long atMillis) implements Event {}

  /** A request came (written at most every quarter of the instance timeout, so a recovery knows the instance's age). */
  public record Touched(long atMillis) implements Event {}

  public record Closed(long atMillis) implements Event {}

  /**
   * The instance's durable part; {@code created} null when it does not exist (never created, or
   * closed). {@code assigned} is a manual assignment (null when the instance subscribes).
   */
  public record State(Created created, List<String> topics, String pattern, List<TopicPartition> assigned,
      List<PartitionOffset> positions, long lastActiveMillis) implements CborSerializable {
    static final State NONE = new State(null, List.of(), null, null, List.of(), 0);

    boolean open() {
      return created != null;
    }

    State apply(Event event) {
      if (event instanceof Created c) {
        return new State(c, List.of(), null, null, List.of(), c.atMillis());
      } else if (event instanceof Subscribed s) {
        return new State(created, s.topics(), s.pattern(), null, positions, s.atMillis());
      } else if (event instanceof Unsubscribed u) {
        return new State(created, List.of(), null, null, List.of(), u.atMillis());
      } else if (event instanceof Assigned a) {
        return new State(created, List.of(), null, a.partitions(),
            positions.stream().filter(p -> a.partitions().contains(p.partition())).toList(), a.atMillis());
      } else if (event instanceof PositionsSaved p) {
        return new State(created, topics, pattern, assigned, p.positions(), p.atMillis());
      } else if (event instanceof Touched t) {
        return new State(created, topics, pattern, assigned, positions, t.atMillis());
      } else if (event instanceof Closed) {
        return NONE;
      }
      throw new IllegalArgumentException("unknown event " + event);
    }
  }

  // ---- behavior

  private final ActorContext<Command> ctx;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TimerScheduler<Command> timers;
  private final Duration instanceTimeout;
  private final Clock clock;
  // The live part, rebuilt from the state after a recovery.
  private String description;
  private RecordFormat format;
  private CourantConsumer consumer;
  /** Next offset to hand out per partition, as served to the client (what {@link PositionsSaved} persists). */
  private final Map<TopicPartition, Long> served = new TreeMap<>(Ordering.TOPIC_PARTITION);
  /** Saved positions waiting for the first group assignment after a recovery. */
  private final Map<TopicPartition, Long> toRestore = new LinkedHashMap<>();
  /** Recovered past its timeout (its node was lost and nobody called): closed by the next request. */
  private boolean expired;
  private long lastRequestNanos;

  private ConsumerInstance(ActorContext<Command> ctx, ActorRef<ClusterSharding.ShardCommand> shard, TimerScheduler<Command> timers,
      String entityId, Duration instanceTimeout, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.ctx = ctx;
    this.shard = shard;
    this.timers = timers;
    this.instanceTimeout = instanceTimeout;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.NONE;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> dropConsumer())
        .onSignal(PreRestart.instance(), state -> dropConsumer())
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.open() || expired)
        .onCommand(Create.class, this::onCreate)
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
        .onCommand(IdleTimeout.class, (s, c) -> Effect().noReply())
        .onAnyCommand(this::notFound);
    builder.forAnyState()
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), new Rejected(Problem.EXISTS, null, description + " already exists")))
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, this::onUnsubscribe)
        .onCommand(GetSubscription.class, (s, c) -> act(s, c.replyTo(), () -> new SubscriptionInfo(
            s.pattern() == null ? s.topics() : subscribedByPattern(), s.pattern(), sorted(consumer.assignment())), null))
        .onCommand(Assign.class, this::onAssign)
        .onCommand(GetAssignment.class, (s, c) -> act(s, c.replyTo(), () -> new Partitions(sorted(consumer.assignment())), null))
        .onCommand(Poll.class, this::onPoll)
        .onCommand(Commit.class, (s, c) -> act(s, c.replyTo(), () -> commit(c.offsets()), null))
        .onCommand(GetCommitted.class, (s, c) -> act(s, c.replyTo(), () -> committed(c.partitions()), null))
        .onCommand(Seek.class, (s, c) -> act(s, c.replyTo(), () -> seek(c.targets()), null))
        .onCommand(SeekToBeginning.class, (s, c) -> act(s, c.replyTo(), () -> {
          List<TopicPartition> partitions = assigned(c.partitions());
          consumer.seekToBeginning(partitions);
          return sought(partitions);
        }, null))
        .onCommand(SeekToEnd.class, (s, c) -> act(s, c.replyTo(), () -> {
          List<TopicPartition> partitions = assigned(c.partitions());
          consumer.seekToEnd(partitions);
          return sought(partitions);
        }, null))
        .onCommand(Delete.class, this::onDelete)
        .onCommand(IdleTimeout.class, this::onIdleTimeout)
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply());
    return builder.build();
  }

  // ---- lifecycle

  private ReplyEffect<Event, State> onCreate(State state, Create create) {
    CourantConsumer built;
    RecordFormat recordFormat;
    try {
      recordFormat = RecordFormat.named(create.format());
      built = new CourantConsumer(ctx.getSystem(), consumerSettings(create.group(), create.name(), create.consumerConfigs()));
    } catch (RuntimeException e) {
      passivateIfNew(state);
      return Effect().reply(create.replyTo(), new Rejected(Problem.INVALID, null, e.getMessage()));
    }
    expired = false;
    Created created = new Created(create.group(), create.name(), create.format(), Map.copyOf(create.consumerConfigs()),
        create.pollTimeoutMs(), clock.millis());
    return Effect().persist(state.open() ? List.of(new Closed(clock.millis()), created) : List.of(created)).thenRun(s -> {
      live(created, recordFormat, built);
      ctx.getLog().debug("{} created", description);
    }).thenReply(create.replyTo(), s -> new Ok());
  }

  /** Builds the consumer again after a recovery, in the subscription or assignment it had, at its saved positions. */
  private void onRecovered(State state) {
    if (!state.open()) {
      return;
    }
    if (clock.millis() - state.lastActiveMillis() >= instanceTimeout.toMillis()) {
      expired = true;
      return;
    }
    Created c = state.created();
    try {
      live(c, RecordFormat.named(c.format()), new CourantConsumer(ctx.getSystem(), consumerSettings(c.group(), c.name(), c.consumerConfigs())));
      state.positions().forEach(p -> toRestore.put(p.partition(), p.offset()));
      if (state.assigned() != null) {
        consumer.assign(state.assigned());
        toRestore.forEach((tp, offset) -> {
          consumer.seek(tp, offset);
          served.put(tp, offset);
        });
        toRestore.clear();
      } else if (state.pattern() != null) {
        consumer.subscribe(Pattern.compile(state.pattern()), tracking());
      } else if (!state.topics().isEmpty()) {
        consumer.subscribe(state.topics(), tracking());
      }
      ctx.getLog().info("{} resumed on this node, at its saved positions {}", description, state.positions());
    } catch (RuntimeException e) {
      ctx.getLog().warn("{} could not be resumed ({}): closing it", description, e.toString());
      dropConsumer();
      expired = true;
    }
  }

  private void live(Created created, RecordFormat recordFormat, CourantConsumer built) {
    description = "consumer instance '" + created.name() + "' of group '" + created.group() + "'";
    format = recordFormat;
    consumer = built;
    served.clear();
    toRestore.clear();
    touch();
  }

  /**
   * The consumer's settings: the client's, and {@code group.instance.id} = the instance's name unless
   * the client chose one, so that the instance, resumed on another node, takes its place in the group.
   */
  private static ConsumerSettings consumerSettings(String group, String name, Map<String, String> configs) {
    ConsumerSettings settings = ConsumerSettings.create(group).with("group.instance.id", name);
    for (Map.Entry<String, String> e : configs.entrySet()) {
      settings = settings.with(e.getKey(), e.getValue());
    }
    return settings;
  }

  private ReplyEffect<Event, State> notFound(State state, Command command) {
    if (expired && state.open()) {
      ctx.getLog().info("{} expired: no request for {} while its node was lost", state.created().name(), instanceTimeout);
      expired = false;
      return Effect().persist(new Closed(clock.millis())).thenRun(s -> passivate())
          .thenReply(((Request) command).replyTo(), s -> notFoundReply());
    }
    passivateIfNew(state);
    return command instanceof Request r ? Effect().reply(r.replyTo(), notFoundReply()) : Effect().noReply();
  }

  private static Rejected notFoundReply() {
    return new Rejected(Problem.NOT_FOUND, null, "consumer instance not found");
  }

  private void passivateIfNew(State state) {
    if (!state.open()) {
      passivate();
    }
  }

  private void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete delete) {
    closeConsumer();
    return Effect().persist(new Closed(clock.millis())).thenRun(s -> passivate()).thenReply(delete.replyTo(), s -> new Ok());
  }

  private ReplyEffect<Event, State> onIdleTimeout(State state, IdleTimeout timeout) {
    long idle = System.nanoTime() - lastRequestNanos;
    if (idle < instanceTimeout.toNanos()) { // a request ran while the timer was due
      timers.startSingleTimer("idle", new IdleTimeout(), Duration.ofNanos(instanceTimeout.toNanos() - idle));
      return Effect().noReply();
    }
    ctx.getLog().info("{} closed after {} without requests", description, instanceTimeout);
    closeConsumer();
    return Effect().persist(new Closed(clock.millis())).thenRun(s -> passivate()).thenNoReply();
  }

  /** Closes the consumer for good: it leaves its group, so the others rebalance at once. */
  private void closeConsumer() {
    if (consumer != null) {
      try {
        consumer.closeAndLeaveGroup();
      } catch (RuntimeException e) {
        ctx.getLog().warn("{}: closing its consumer failed: {}", description, e.toString());
      }
      consumer = null;
    }
  }

  /**
   * The entity stops without closing the instance (its shard moves, the node shuts down, a write
   * failed): the consumer stops without leaving the group, as a static member, so that the
   * instance, resumed elsewhere, takes its place again.
   */
  private void dropConsumer() {
    if (consumer == null) {
      return;
    }
    if (CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason().isPresent()) {
      // The node is going away with the group coordinators: a close would wait for them.
      ctx.getLog().info("{} handed over without closing: the node is shutting down", description);
    } else {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        ctx.getLog().warn("{}: stopping its consumer failed: {}", description, e.toString());
      }
    }
    consumer = null;
  }

  // ---- subscription and assignment

  private ReplyEffect<Event, State> onSubscribe(State state, Subscribe c) {
    return act(state, c.replyTo(), () -> {
      if (c.pattern() != null) {
        Pattern p;
        try {
          p = Pattern.compile(c.pattern());
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("topic_pattern is not a valid regular expression: " + e.getDescription());
        }
        consumer.subscribe(p, tracking());
      } else {
        consumer.subscribe(c.topics(), tracking());
      }
      return new Ok();
    }, () -> new Subscribed(c.pattern() == null ? List.copyOf(c.topics()) : List.of(), c.pattern(), clock.millis()));
  }

  private ReplyEffect<Event, State> onUnsubscribe(State state, Unsubscribe c) {
    return act(state, c.replyTo(), () -> {
      consumer.unsubscribe();
      served.clear();
      return new Ok();
    }, () -> new Unsubscribed(clock.millis()));
  }

  private ReplyEffect<Event, State> onAssign(State state, Assign c) {
    return act(state, c.replyTo(), () -> {
      consumer.assign(c.partitions());
      served.keySet().retainAll(Set.copyOf(c.partitions()));
      return new Ok();
    }, () -> new Assigned(List.copyOf(c.partitions()), clock.millis()));
  }

  /** Keeps {@link #served} to the partitions the group assigns. */
  private ConsumerRebalanceListener tracking() {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        served.keySet().removeAll(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // A first assignment after a recovery: back to the saved positions of the partitions it kept.
        for (TopicPartition tp : partitions) {
          Long offset = toRestore.get(tp);
          if (offset != null) {
            consumer.seek(tp, offset);
            served.put(tp, offset);
          }
        }
        toRestore.clear();
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        served.keySet().removeAll(partitions);
      }
    };
  }

  // ---- records and offsets

  /** Saves the positions served so far (so a resumed instance hands out this poll's records again), then polls. */
  private ReplyEffect<Event, State> onPoll(State state, Poll poll) {
    if (poll.format() != null && !poll.format().equals(format.formatName())) {
      return act(state, poll.replyTo(), () -> new Rejected(Problem.FORMAT_MISMATCH, null, "this consumer's format is "
          + format.formatName() + ": it answers application/vnd.kafka." + format.formatName() + ".v2+json, not the "
          + poll.format() + " format asked for"), null);
    }
    List<Event> events = bookkeeping(state, null);
    Supplier<Reply> call = () -> {
      Duration timeout = poll.timeoutMs() < 0 ? Duration.ofMillis(state.created().pollTimeoutMs()) : Duration.ofMillis(poll.timeoutMs());
      return withinBytes(consumer.poll(timeout), poll.maxBytes());
    };
    return (events.isEmpty() ? Effect().none() : Effect().persist(events)).thenReply(poll.replyTo(), s -> attempt(call));
  }

  /** The records that fit in {@code maxBytes}; the consumer seeks back to the first one left out of each partition. */
  private Reply withinBytes(List<ConsumerRecord> records, long maxBytes) {
    long bytes = 0;
    int fits = 0;
    for (ConsumerRecord r : records) {
      bytes += size(r);
      if (bytes > maxBytes) {
        break;
      }
      fits++;
    }
    Set<TopicPartition> rewound = new HashSet<>();
    for (ConsumerRecord r : records.subList(fits, records.size())) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (rewound.add(tp)) {
        consumer.seek(tp, r.offset());
      }
    }
    List<ConsumerRecord> served = records.subList(0, fits);
    served.forEach(r -> this.served.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1));
    if (fits == 0 && !records.isEmpty()) {
      return new Rejected(Problem.TOO_LARGE, null, "the next record (" + size(records.get(0)) + " bytes) is larger than max_bytes ("
          + maxBytes + "); poll with a larger max_bytes");
    }
    return new Records(format.formatName(), List.copyOf(served));
  }

  static long size(ConsumerRecord r) {
    return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
  }

  private Reply commit(List<PartitionOffset> offsets) {
    if (offsets.isEmpty()) {
      consumer.commitSync();
    } else {
      Map<TopicPartition, OffsetAndMetadata> map = new LinkedHashMap<>();
      offsets.forEach(o -> map.put(o.partition(), OffsetAndMetadata.of(o.offset())));
      consumer.commitSync(map);
    }
    return new Ok();
  }

  private Reply committed(List<TopicPartition> partitions) {
    Set<TopicPartition> wanted = partitions.isEmpty() ? consumer.assignment() : Set.copyOf(partitions);
    List<PartitionOffset> out = new ArrayList<>();
    consumer.committed(wanted).forEach((tp, o) -> out.add(new PartitionOffset(tp, o.offset())));
    out.sort((a, b) -> Ordering.TOPIC_PARTITION.compare(a.partition(), b.partition()));
    return new Committed(out);
  }

  private Reply seek(List<SeekTarget> targets) {
    Courant courant = Courant.get(ctx.getSystem());
    List<TopicPartition> partitions = new ArrayList<>();
    for (SeekTarget t : targets) {
      assigned(List.of(t.partition()));
      if (t.offset() != null) {
        consumer.seek(t.partition(), t.offset());
      } else {
        Optional<OffsetAndTimestamp> found = await(courant.offsetForTimestamp(t.partition(), t.timestamp()));
        consumer.seek(t.partition(), found.isPresent() ? found.get().offset() : await(courant.latestOffset(t.partition())));
      }
      partitions.add(t.partition());
    }
    return sought(partitions);
  }

  /** After a seek: the positions are the client's choice, saved with this request. */
  private Reply sought(List<TopicPartition> partitions) {
    partitions.forEach(tp -> served.put(tp, consumer.position(tp)));
    return new Ok();
  }

  /** The partitions (all assigned when none are named); 409 for a partition that is not assigned. */
  private List<TopicPartition> assigned(List<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return sorted(consumer.assignment());
    }
    for (TopicPartition tp : partitions) {
      if (!consumer.assignment().contains(tp)) {
        throw new IllegalStateException("partition " + tp + " is not assigned to " + description);
      }
    }
    return partitions;
  }

  private List<String> subscribedByPattern() {
    return consumer.assignment().stream().map(TopicPartition::topic).distinct().sorted().toList();
  }

  // ---- plumbing

  /**
   * Runs a consumer call (blocking, on this entity's dispatcher); when it succeeds, persists what
   * it changed ({@code change}, may be null) with the positions served if they moved, then replies.
   */
  private ReplyEffect<Event, State> act(State state, ActorRef<Reply> replyTo, Supplier<Reply> call, Supplier<Event> change) {
    Reply reply = attempt(call);
    List<Event> events = bookkeeping(state, reply instanceof Rejected || change == null ? null : change.get());
    return (events.isEmpty() ? Effect().none() : Effect().persist(events)).thenReply(replyTo, s -> reply);
  }

  /** The events a request writes: its change, the positions if they moved, or a touch if the last write is getting old. */
  private List<Event> bookkeeping(State state, Event change) {
    touch();
    long now = clock.millis();
    List<Event> events = new ArrayList<>(2);
    if (change != null) {
      events.add(change);
    }
    List<PartitionOffset> positions = served.entrySet().stream().map(e -> new PartitionOffset(e.getKey(), e.getValue())).toList();
    if (!positions.equals(state.positions()) && !(change instanceof Unsubscribed)) {
      events.add(new PositionsSaved(positions, now));
    }
    if (events.isEmpty() && now - state.lastActiveMillis() > instanceTimeout.toMillis() / 4) {
      events.add(new Touched(now));
    }
    return events;
  }

  /** The call's reply, or its failure as a rejection. */
  private Reply attempt(Supplier<Reply> call) {
    try {
      return call.get();
    } catch (CourantException e) {
      return new Rejected(Problem.FAILED, e.code(), e.getMessage());
    } catch (IllegalStateException e) {
      return new Rejected(Problem.CONFLICT, null, e.getMessage());
    } catch (IllegalArgumentException e) {
      return new Rejected(Problem.INVALID, null, e.getMessage());
    } finally {
      touch(); // after the call: a long poll is activity until its end
    }
  }

  private void touch() {
    lastRequestNanos = System.nanoTime();
    timers.startSingleTimer("idle", new IdleTimeout(), instanceTimeout);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new CourantException(ErrorCode.REQUEST_TIMED_OUT, "no answer in time: " + e);
    }
  }

  private static List<TopicPartition> sorted(Set<TopicPartition> partitions) {
    return partitions.stream().sorted(Ordering.TOPIC_PARTITION).toList();
  }
}
