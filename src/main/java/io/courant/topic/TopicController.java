package io.courant.topic;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.log.Partition;
import io.courant.log.TopicLog;
import io.courant.log.internal.FencedBehavior;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The topic metadata controller: one per cluster (a Cluster Singleton), persistent. It creates,
 * describes, configures, grows and deletes topics — the role KRaft plays for Kafka.
 *
 * <p>Deleting a topic stops its partitions and deletes their journal data; the name can be used
 * again at once, and the new topic (a new id) starts empty.
 */
public final class TopicController
    extends EventSourcedBehaviorWithEnforcedReplies<TopicController.Command, TopicController.Event, TopicController.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("topic-controller");

  /**
   * Starts (or finds) the singleton and returns its proxy.
   *
   * @param partitionDataDeleter deletes a partition's journal and snapshots, given its persistence id
   */
  public static ActorRef<Command> init(ActorSystem<?> system, TopicSettings settings,
      Function<String, CompletionStage<Done>> partitionDataDeleter) {
    // Fenced like partitions: the controller acts only while this node's lease holds; a restart claims again.
    Behavior<Command> behavior = Behaviors.supervise(FencedBehavior.of(Command.class,
            PERSISTENCE_ID.id(), create(settings, partitionDataDeleter, Clock.systemUTC())))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, "topic-controller"));
  }

  public static Behavior<Command> create(TopicSettings settings, Function<String, CompletionStage<Done>> partitionDataDeleter,
      Clock clock) {
    return Behaviors.setup(ctx -> new TopicController(ctx, settings, partitionDataDeleter, clock));
  }

  // ---- protocol

  public interface Command extends CborSerializable {}

  /**
   * Creates a topic.
   *
   * @param partitions the partition count, or -1 for {@code courant.topic.default-partitions}
   * @param configs topic configs by Kafka's names
   * @param validateOnly check everything, create nothing
   */
  public record CreateTopic(String name, int partitions, Map<String, String> configs, boolean validateOnly,
      ActorRef<TopicReply> replyTo) implements Command {}

  public record DeleteTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  public record DescribeTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  public record DescribeTopicById(UUID topicId, ActorRef<TopicReply> replyTo) implements Command {}

  public record ListTopics(ActorRef<TopicList> replyTo) implements Command {}

  /** Grows a topic to {@code totalPartitions} partitions (never shrinks). */
  public record CreatePartitions(String name, int totalPartitions, ActorRef<TopicReply> replyTo) implements Command {}

  /** Sets and removes topic configs (Kafka's incremental alter). */
  public record AlterConfigs(String name, Map<String, String> set, Set<String> delete, ActorRef<TopicReply> replyTo)
      implements Command {}

  /** Reply to a command about one topic. */
  public sealed interface TopicReply extends CborSerializable permits TopicFound, Rejected {}

  /**
   * @param topic the topic (after the change, for changes)
   * @param logConfig its effective log settings
   */
  public record TopicFound(TopicDescription topic, io.courant.log.LogConfig logConfig) implements TopicReply {}

  /** The command was refused; nothing changed. */
  public record Rejected(ErrorCode code, String message) implements TopicReply {}

  /** All topics, by name. */
  public record TopicList(List<TopicDescription> topics) implements CborSerializable {}

  // ---- events and state

  public interface Event extends CborSerializable {}

  public record TopicCreated(TopicDescription topic) implements Event {}

  public record TopicDeleted(String name) implements Event {}

  public record PartitionsCreated(String name, int totalPartitions) implements Event {}

  public record ConfigsAltered(String name, Map<String, String> configs) implements Event {}

  /** The topics by name. Immutable values in a map owned by the actor. */
  public record State(Map<String, TopicDescription> topics) implements CborSerializable {
    TopicDescription byId(UUID id) {
      return topics.values().stream().filter(t -> t.topicId().equals(id)).findFirst().orElse(null);
    }

    State with(TopicDescription t) {
      Map<String, TopicDescription> next = new TreeMap<>(topics);
      next.put(t.name(), t);
      return new State(next);
    }

    State without(String name) {
      Map<String, TopicDescription> next = new TreeMap<>(topics);
      next.remove(name);
      return new State(next);
    }
  }

  private final ActorContext<Command> ctx;
  private final TopicSettings settings;
  private final Function<String, CompletionStage<Done>> partitionDataDeleter;
  private final Clock clock;

  private TopicController(ActorContext<Command> ctx, TopicSettings settings,
      Function<String, CompletionStage<Done>> partitionDataDeleter, Clock clock) {
    // A journal failure (Cassandra overloaded or unreachable, during recovery or a write) restarts
    // the controller with backoff. By default an event-sourced actor stops on it, and a cluster
    // singleton that stopped is not started again: every topic operation would then time out until
    // the node restarts.
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.ctx = ctx;
    this.settings = settings;
    this.partitionDataDeleter = partitionDataDeleter;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }


  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(CreateTopic.class, this::onCreateTopic)
        .onCommand(DeleteTopic.class, this::onDeleteTopic)
        .onCommand(DescribeTopic.class, this::onDescribeTopic)
        .onCommand(DescribeTopicById.class, this::onDescribeTopicById)
        .onCommand(ListTopics.class, this::onListTopics)
        .onCommand(CreatePartitions.class, this::onCreatePartitions)
        .onCommand(AlterConfigs.class, this::onAlterConfigs)
        .build();
  }

  private ReplyEffect<Event, State> onCreateTopic(State state, CreateTopic cmd) {
    String problem = TopicName.problem(cmd.name());
    if (problem != null) {
      return reject(cmd.replyTo(), ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    }
    if (state.topics().containsKey(cmd.name())) {
      return reject(cmd.replyTo(), ErrorCode.TOPIC_ALREADY_EXISTS, "topic '" + cmd.name() + "' already exists");
    }
    int partitions = cmd.partitions() == -1 ? settings.defaultPartitions() : cmd.partitions();
    if (partitions < 1 || partitions > settings.maxPartitions()) {
      return reject(cmd.replyTo(), ErrorCode.INVALID_PARTITIONS, "partition count must be between 1 and "
          + settings.maxPartitions() + " (courant.topic.max-partitions), not " + cmd.partitions());
    }
    problem = TopicConfigs.problem(cmd.configs());
    if (problem != null) {
      return reject(cmd.replyTo(), ErrorCode.INVALID_CONFIG, problem);
    }
    TopicDescription topic = new TopicDescription(cmd.name(), UUID.randomUUID(), partitions, cmd.configs(), clock.millis());
    if (cmd.validateOnly()) {
      return Effect().reply(cmd.replyTo(), found(topic));
    }
    return Effect().persist(new TopicCreated(topic)).thenReply(cmd.replyTo(), s -> found(s.topics().get(cmd.name())));
  }

  private ReplyEffect<Event, State> onDeleteTopic(State state, DeleteTopic cmd) {
    TopicDescription topic = state.topics().get(cmd.name());
    if (topic == null) {
      return unknown(cmd.replyTo(), cmd.name());
    }
    return Effect().persist(new TopicDeleted(cmd.name()))
        .thenRun(s -> deletePartitions(topic))
        .thenReply(cmd.replyTo(), s -> found(topic));
  }

  private ReplyEffect<Event, State> onDescribeTopic(State state, DescribeTopic cmd) {
    TopicDescription topic = state.topics().get(cmd.name());
    return topic == null ? unknown(cmd.replyTo(), cmd.name()) : Effect().reply(cmd.replyTo(), found(topic));
  }

  private ReplyEffect<Event, State> onDescribeTopicById(State state, DescribeTopicById cmd) {
    TopicDescription topic = state.byId(cmd.topicId());
    return topic == null
        ? reject(cmd.replyTo(), ErrorCode.UNKNOWN_TOPIC_ID, "no topic has id " + cmd.topicId())
        : Effect().reply(cmd.replyTo(), found(topic));
  }

  private ReplyEffect<Event, State> onListTopics(State state, ListTopics cmd) {
    return Effect().reply(cmd.replyTo(), new TopicList(List.copyOf(state.topics().values())));
  }

  private ReplyEffect<Event, State> onCreatePartitions(State state, CreatePartitions cmd) {
    TopicDescription topic = state.topics().get(cmd.name());
    if (topic == null) {
      return unknown(cmd.replyTo(), cmd.name());
    }
    if (cmd.totalPartitions() <= topic.partitions() || cmd.totalPartitions() > settings.maxPartitions()) {
      return reject(cmd.replyTo(), ErrorCode.INVALID_PARTITIONS, "topic '" + cmd.name() + "' has " + topic.partitions()
          + " partitions; the new count must be larger and at most " + settings.maxPartitions() + ", not " + cmd.totalPartitions());
    }
    return Effect().persist(new PartitionsCreated(cmd.name(), cmd.totalPartitions()))
        .thenRun(s -> notifyPartitions(s.topics().get(cmd.name()), topic.partitions()))
        .thenReply(cmd.replyTo(), s -> found(s.topics().get(cmd.name())));
  }

  private ReplyEffect<Event, State> onAlterConfigs(State state, AlterConfigs cmd) {
    TopicDescription topic = state.topics().get(cmd.name());
    if (topic == null) {
      return unknown(cmd.replyTo(), cmd.name());
    }
    String problem = TopicConfigs.problem(cmd.set());
    for (String name : cmd.delete()) {
      if (problem == null && !TopicConfigs.names().contains(name)) {
        problem = TopicConfigs.problem(name, "");
      }
    }
    if (problem != null) {
      return reject(cmd.replyTo(), ErrorCode.INVALID_CONFIG, problem);
    }
    Map<String, String> configs = new TreeMap<>(topic.configs());
    configs.keySet().removeAll(cmd.delete());
    configs.putAll(cmd.set());
    return Effect().persist(new ConfigsAltered(cmd.name(), configs))
        .thenRun(s -> notifyPartitions(s.topics().get(cmd.name()), s.topics().get(cmd.name()).partitions()))
        .thenReply(cmd.replyTo(), s -> found(s.topics().get(cmd.name())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(TopicCreated.class, (s, e) -> s.with(e.topic()))
        .onEvent(TopicDeleted.class, (s, e) -> s.without(e.name()))
        .onEvent(PartitionsCreated.class, (s, e) -> s.with(withPartitions(s.topics().get(e.name()), e.totalPartitions())))
        .onEvent(ConfigsAltered.class, (s, e) -> s.with(withConfigs(s.topics().get(e.name()), e.configs())))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  private static TopicDescription withPartitions(TopicDescription t, int partitions) {
    return new TopicDescription(t.name(), t.topicId(), partitions, t.configs(), t.createdAt());
  }

  private static TopicDescription withConfigs(TopicDescription t, Map<String, String> configs) {
    return new TopicDescription(t.name(), t.topicId(), t.partitions(), configs, t.createdAt());
  }

  /** The partition-facing view of a topic. */
  public static TopicLog topicLog(TopicDescription t, Map<String, String> defaults) {
    return new TopicLog(t.topicId(), t.name(), t.partitions(), TopicConfigs.logConfig(t.configs(), defaults));
  }

  private TopicFound found(TopicDescription topic) {
    return new TopicFound(topic, TopicConfigs.logConfig(topic.configs(), settings.defaults()));
  }

  /** Tells the running partitions of a changed topic (the first {@code existing} ones; new ones start fresh). */
  private void notifyPartitions(TopicDescription topic, int existing) {
    TopicLog log = topicLog(topic, settings.defaults());
    ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
    for (int p = 0; p < existing; p++) {
      sharding.entityRefFor(Partition.ENTITY_KEY, Partition.entityId(topic.topicId(), p)).tell(new Partition.ConfigChanged(log));
    }
  }

  private void deletePartitions(TopicDescription topic) {
    ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
    Map<Integer, CompletionStage<Done>> deletions = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) {
      String entityId = Partition.entityId(topic.topicId(), p);
      sharding.entityRefFor(Partition.ENTITY_KEY, entityId).tell(new Partition.TopicDeleted());
      deletions.put(p, partitionDataDeleter.apply(PersistenceId.of(Partition.ENTITY_KEY.name(), entityId).id()));
    }
    deletions.forEach((p, done) -> done.whenComplete((ok, failure) -> {
      if (failure != null) {
        ctx.getSystem().log().warn("Deleting the data of partition {}-{} (topic id {}) failed: {}", topic.name(), p,
            topic.topicId(), failure.toString());
      }
    }));
    ctx.getLog().info("Topic {} (id {}) deleted with its {} partitions", topic.name(), topic.topicId(), topic.partitions());
  }

  private ReplyEffect<Event, State> reject(ActorRef<TopicReply> replyTo, ErrorCode code, String message) {
    return Effect().reply(replyTo, new Rejected(code, message));
  }

  private ReplyEffect<Event, State> unknown(ActorRef<TopicReply> replyTo, String name) {
    return reject(replyTo, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist");
  }
}
