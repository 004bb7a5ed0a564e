package io.courant.http.internal;

import io.courant.CborSerializable;
import io.courant.ErrorCode;
import io.courant.client.ConsumerRecord;
import io.courant.client.ConsumerSettings;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.CourantException;
import io.courant.client.OffsetAndTimestamp;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.http.HttpSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A bridge consumer instance ({@code /consumers/{group}/instances/{name}}): a cluster-sharded
 * entity per (group, name) that owns a {@link CourantConsumer}. Any node's HTTP server reaches it
 * through sharding, so clients need no sticky sessions.
 *
 * <p>The Java consumer blocks (poll, commit, seek), so the entity runs on its own dispatcher
 * ({@link HttpSettings#CONSUMER_DISPATCHER}), never on the default one, and handles one request
 * at a time, as the consumer requires. An instance that gets no request for {@code
 * courant.http.consumer.instance-timeout} closes its consumer and stops; so does a deleted one.
 * An entity started for a name that was never created (or is closed) answers "not found" and stops.
 * The consumer's positions live in this entity's memory: if its node goes away, the instance is
 * gone and the client creates a new one, which resumes from the group's committed offsets.
 */
public final class ConsumerInstance {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "http-consumer");

  /** Starts consumer-instance sharding on this node (no passivation: idleness is the instance timeout). */
  public static void init(ActorSystem<?> system, HttpSettings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getShard(), settings.instanceTimeout()))
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
   *     requests that arrive while it stops, and hands them to a fresh, uncreated entity)
   */
  public static Behavior<Command> create(ActorRef<ClusterSharding.ShardCommand> shard, Duration instanceTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConsumerInstance(ctx, shard, timers, instanceTimeout).uncreated()));
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

  // ---- behavior

  private final ActorContext<Command> ctx;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TimerScheduler<Command> timers;
  private final Duration instanceTimeout;
  private String description;
  private RecordFormat format;
  private Duration defaultPollTimeout;
  private CourantConsumer consumer;
  private List<String> topics = List.of();
  private String pattern;
  private long lastRequestNanos;

  private ConsumerInstance(ActorContext<Command> ctx, ActorRef<ClusterSharding.ShardCommand> shard, TimerScheduler<Command> timers,
      Duration instanceTimeout) {
    this.ctx = ctx;
    this.shard = shard;
    this.timers = timers;
    this.instanceTimeout = instanceTimeout;
  }

  private Behavior<Command> uncreated() {
    return Behaviors.receive(Command.class)
        .onMessage(Create.class, this::onCreate)
        .onMessage(Stop.class, m -> Behaviors.stopped())
        .onAnyMessage(this::notFound)
        .build();
  }

  /** Done: requests still in the mailbox are answered "not found" until sharding's stop message. */
  private Behavior<Command> closed() {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return Behaviors.receive(Command.class)
        .onMessage(Create.class, c -> reply(c.replyTo(), new Rejected(Problem.CONFLICT, null,
            "the instance of that name is being closed; create it again in a moment")))
        .onMessage(Stop.class, m -> Behaviors.stopped())
        .onAnyMessage(this::notFoundYet)
        .build();
  }

  private Behavior<Command> notFound(Command command) {
    notFoundYet(command);
    return closed();
  }

  private Behavior<Command> notFoundYet(Command command) {
    if (command instanceof Request r) {
      r.replyTo().tell(new Rejected(Problem.NOT_FOUND, null, "consumer instance not found"));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCreate(Create create) {
    try {
      ConsumerSettings consumerSettings = ConsumerSettings.create(create.group());
      for (Map.Entry<String, String> e : create.consumerConfigs().entrySet()) {
        consumerSettings = consumerSettings.with(e.getKey(), e.getValue());
      }
      format = RecordFormat.named(create.format());
      consumer = new CourantConsumer(ctx.getSystem(), consumerSettings);
    } catch (RuntimeException e) {
      create.replyTo().tell(new Rejected(Problem.INVALID, null, e.getMessage()));
      return closed();
    }
    description = "consumer instance '" + create.name() + "' of group '" + create.group() + "'";
    defaultPollTimeout = Duration.ofMillis(create.pollTimeoutMs());
    touch();
    create.replyTo().tell(new Ok());
    ctx.getLog().debug("{} created", description);
    return created();
  }

  private Behavior<Command> created() {
    return Behaviors.receive(Command.class)
        .onMessage(Create.class, c -> reply(c.replyTo(), new Rejected(Problem.EXISTS, null, description + " already exists")))
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, c -> run(c.replyTo(), () -> {
          consumer.unsubscribe();
          topics = List.of();
          pattern = null;
          return new Ok();
        }))
        .onMessage(GetSubscription.class, c -> run(c.replyTo(),
            () -> new SubscriptionInfo(pattern == null ? topics : subscribedByPattern(), pattern, sorted(consumer.assignment()))))
        .onMessage(Assign.class, c -> run(c.replyTo(), () -> {
          consumer.assign(c.partitions());
          return new Ok();
        }))
        .onMessage(GetAssignment.class, c -> run(c.replyTo(), () -> new Partitions(sorted(consumer.assignment()))))
        .onMessage(Poll.class, this::onPoll)
        .onMessage(Commit.class, c -> run(c.replyTo(), () -> commit(c.offsets())))
        .onMessage(GetCommitted.class, c -> run(c.replyTo(), () -> committed(c.partitions())))
        .onMessage(Seek.class, c -> run(c.replyTo(), () -> seek(c.targets())))
        .onMessage(SeekToBeginning.class, c -> run(c.replyTo(), () -> {
          consumer.seekToBeginning(assigned(c.partitions()));
          return new Ok();
        }))
        .onMessage(SeekToEnd.class, c -> run(c.replyTo(), () -> {
          consumer.seekToEnd(assigned(c.partitions()));
          return new Ok();
        }))
        .onMessage(Delete.class, this::onDelete)
        .onMessage(IdleTimeout.class, this::onIdleTimeout)
        .onMessage(Stop.class, m -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          if (org.apache.pekko.actor.CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason().isPresent()) {
            // The node is going away with the group coordinators: a close would wait for them. The
            // group expires this member after its session timeout, as for a crashed client.
            ctx.getLog().info("{} dropped without leaving its group: the node is shutting down", description);
          } else {
            closeConsumer();
          }
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe c) {
    return run(c.replyTo(), () -> {
      if (c.pattern() != null) {
        Pattern p;
        try {
          p = Pattern.compile(c.pattern());
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("topic_pattern is not a valid regular expression: " + e.getDescription());
        }
        consumer.subscribe(p, io.courant.client.ConsumerRebalanceListener.NONE);
        pattern = c.pattern();
        topics = List.of();
      } else {
        consumer.subscribe(c.topics());
        topics = List.copyOf(c.topics());
        pattern = null;
      }
      return new Ok();
    });
  }

  private Behavior<Command> onPoll(Poll poll) {
    if (poll.format() != null && !poll.format().equals(format.formatName())) {
      return reply(poll.replyTo(), new Rejected(Problem.FORMAT_MISMATCH, null, "this consumer's format is " + format.formatName()
          + ": it answers application/vnd.kafka." + format.formatName() + ".v2+json, not the " + poll.format() + " format asked for"));
    }
    return run(poll.replyTo(), () -> {
      Duration timeout = poll.timeoutMs() < 0 ? defaultPollTimeout : Duration.ofMillis(poll.timeoutMs());
      List<ConsumerRecord> records = consumer.poll(timeout);
      return withinBytes(records, poll.maxBytes());
    });
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
    if (fits == records.size()) {
      return new Records(format.formatName(), records);
    }
    Set<TopicPartition> rewound = new HashSet<>();
    for (ConsumerRecord r : records.subList(fits, records.size())) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (rewound.add(tp)) {
        consumer.seek(tp, r.offset());
      }
    }
    if (fits == 0) {
      return new Rejected(Problem.TOO_LARGE, null, "the next record (" + size(records.get(0)) + " bytes) is larger than max_bytes ("
          + maxBytes + "); poll with a larger max_bytes");
    }
    return new Records(format.formatName(), List.copyOf(records.subList(0, fits)));
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
    for (SeekTarget t : targets) {
      assigned(List.of(t.partition()));
      if (t.offset() != null) {
        consumer.seek(t.partition(), t.offset());
      } else {
        Optional<OffsetAndTimestamp> found = await(courant.offsetForTimestamp(t.partition(), t.timestamp()));
        consumer.seek(t.partition(), found.isPresent() ? found.get().offset() : await(courant.latestOffset(t.partition())));
      }
    }
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

  private Behavior<Command> onDelete(Delete delete) {
    closeConsumer();
    delete.replyTo().tell(new Ok());
    return closed();
  }

  private Behavior<Command> onIdleTimeout(IdleTimeout timeout) {
    long idle = System.nanoTime() - lastRequestNanos;
    if (idle < instanceTimeout.toNanos()) { // a request ran while the timer was due
      timers.startSingleTimer("idle", new IdleTimeout(), Duration.ofNanos(instanceTimeout.toNanos() - idle));
      return Behaviors.same();
    }
    ctx.getLog().info("{} closed after {} without requests", description, instanceTimeout);
    closeConsumer();
    return closed();
  }

  private void closeConsumer() {
    if (consumer != null) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        ctx.getLog().warn("{}: closing its consumer failed: {}", description, e.toString());
      }
      consumer = null;
    }
  }

  private List<String> subscribedByPattern() {
    return consumer.assignment().stream().map(TopicPartition::topic).distinct().sorted().toList();
  }

  /** Runs a consumer call (blocking, on this entity's dispatcher) and replies with its result or its failure. */
  private Behavior<Command> run(ActorRef<Reply> replyTo, java.util.function.Supplier<Reply> call) {
    Reply reply;
    try {
      reply = call.get();
    } catch (CourantException e) {
      reply = new Rejected(Problem.FAILED, e.code(), e.getMessage());
    } catch (IllegalStateException e) {
      reply = new Rejected(Problem.CONFLICT, null, e.getMessage());
    } catch (IllegalArgumentException e) {
      reply = new Rejected(Problem.INVALID, null, e.getMessage());
    }
    touch(); // after the call: a long poll is activity until its end
    replyTo.tell(reply);
    return Behaviors.same();
  }

  private Behavior<Command> reply(ActorRef<Reply> replyTo, Reply reply) {
    touch();
    replyTo.tell(reply);
    return Behaviors.same();
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
