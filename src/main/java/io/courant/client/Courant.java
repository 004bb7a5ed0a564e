package io.courant.client;

import io.courant.ErrorCode;
import io.courant.cassandra.CassandraPartitionCleanup;
import io.courant.group.GroupCoordinator;
import io.courant.group.GroupLag;
import io.courant.group.GroupState;
import io.courant.group.OffsetAndMetadata;
import io.courant.log.BatchInfo;
import io.courant.log.LogSettings;
import io.courant.log.Partition;
import io.courant.log.Partition.Acks;
import io.courant.log.internal.kafka.RecordBatches;
import io.courant.topic.TopicController;
import io.courant.topic.TopicDescription;
import io.courant.topic.TopicSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Courant's Java API, for use inside any Pekko application: topic administration, produce,
 * fetch and consumer-group administration (committed offsets, lag, reset, list, delete), with
 * {@link CompletionStage} results; {@link CourantConsumer} is the Kafka-style consumer on top. Failed stages carry a {@link CourantException}
 * (retriable ones extend {@link RetriableException}).
 *
 * <pre>{@code
 * Courant courant = Courant.get(system);
 * courant.createTopic(new NewTopic("orders", 8))
 *     .thenCompose(t -> courant.send(ProducerRecord.of("orders", "order-17", "{\"qty\":3}")))
 *     .thenAccept(md -> System.out.println("stored at " + md.partition() + "/" + md.offset()));
 * }</pre>
 *
 * <p>The first {@code get} starts the node's share of the cluster: partition and group-coordinator
 * sharding and the topic controller singleton. The actor protocols behind it ({@link Partition}, {@link TopicController})
 * are public too, for callers that prefer to {@code ask} them.
 */
public final class Courant implements Extension {

  private static final ExtensionId<Courant> ID = new ExtensionId<>() {
    @Override
    public Courant createExtension(ActorSystem<?> system) {
      return new Courant(system);
    }
  };

  /** The Courant API of this actor system (started on first use). */
  public static Courant get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private final ActorSystem<?> system;
  private final ClientSettings settings;
  private final TopicSettings topicSettings;
  private final ActorRef<TopicController.Command> controller;
  private final ClusterSharding sharding;
  private final Partitioner partitioner = new Partitioner();
  private final Map<String, TopicRoute> topics = new ConcurrentHashMap<>();
  /** Partitions' sharding references by topic id (index = partition), see {@link #partitionRef}. */
  private final Map<UUID, AtomicReferenceArray<EntityRef<Partition.Command>>> partitionRefs = new ConcurrentHashMap<>();
  private static final int MAX_CACHED_TOPIC_REFS = 100_000;

  private Courant(ActorSystem<?> system) {
    this.system = system;
    // Opens the Cassandra session and takes this node's lease now, while the node joins its
    // cluster, rather than when the first partition or coordinator starts here: a partition handed
    // to a node that had just restarted waited 5-7 s for that session in the Jepsen-style test.
    io.courant.log.internal.NodeLease.get(system);
    var config = system.settings().config().getConfig("courant");
    this.settings = ClientSettings.create(config.getConfig("client"));
    this.topicSettings = TopicSettings.create(config.getConfig("topic"));
    this.sharding = ClusterSharding.get(system);
    this.controller = TopicController.init(system, topicSettings, partitionDataDeleter(system, config.getString("topic.data-deleter")));
    GroupCoordinator.init(system);
    Partition.init(system, LogSettings.create(config.getConfig("log")), topicId ->
        ask(controller, (ActorRef<TopicController.TopicReply> r) -> new TopicController.DescribeTopicById(topicId, r))
            .thenApply(reply -> reply instanceof TopicController.TopicFound f
                ? Optional.of(TopicController.topicLog(f.topic(), topicSettings.defaults()))
                : Optional.empty()));
  }

  private static Function<String, CompletionStage<Done>> partitionDataDeleter(ActorSystem<?> system, String kind) {
    return switch (kind) {
      case "cassandra" -> new CassandraPartitionCleanup(system);
      case "none" -> persistenceId -> CompletableFuture.completedFuture(Done.getInstance());
      default -> throw new IllegalArgumentException("courant.topic.data-deleter must be cassandra or none, not " + kind);
    };
  }

  /** The settings this API runs with ({@code courant.client}). */
  public ClientSettings settings() {
    return settings;
  }

  /** The topic controller singleton's proxy. */
  public ActorRef<TopicController.Command> topicController() {
    return controller;
  }

  // ---- admin

  /**
   * Creates a topic.
   *
   * @return the created topic; fails with {@link InvalidTopicException}, {@link
   *     TopicExistsException}, {@link InvalidPartitionsException} or {@link
   *     InvalidConfigurationException}
   */
  public CompletionStage<TopicDescription> createTopic(NewTopic topic) {
    return topicCommand(r -> new TopicController.CreateTopic(topic.name(), topic.partitions(), topic.configs(), false, r));
  }

  /** Lists all topics. */
  public CompletionStage<List<TopicDescription>> listTopics() {
    return ask(controller, TopicController.ListTopics::new).thenApply(TopicController.TopicList::topics);
  }

  /** Describes a topic; fails with {@link UnknownTopicOrPartitionException} if there is none. */
  public CompletionStage<TopicDescription> describeTopic(String name) {
    return topicCommand(r -> new TopicController.DescribeTopic(name, r));
  }

  /** Every supported config of a topic with its effective value (the topic's, or the default). */
  public CompletionStage<Map<String, String>> describeConfigs(String name) {
    return describeTopic(name).thenApply(t -> io.courant.topic.TopicConfigs.effective(t.configs(), topicSettings.defaults()));
  }

  /** Deletes a topic and its data; the name can be used again at once. */
  public CompletionStage<Done> deleteTopic(String name) {
    return topicCommand(r -> new TopicController.DeleteTopic(name, r)).thenApply(t -> {
      topics.remove(name);
      return Done.getInstance();
    });
  }

  /** Grows a topic to {@code totalPartitions}. */
  public CompletionStage<TopicDescription> createPartitions(String name, int totalPartitions) {
    return topicCommand(r -> new TopicController.CreatePartitions(name, totalPartitions, r));
  }

  /** Sets and removes topic configs (Kafka's names). */
  public CompletionStage<TopicDescription> alterConfigs(String name, Map<String, String> set, Set<String> delete) {
    return topicCommand(r -> new TopicController.AlterConfigs(name, set, delete, r));
  }

  /** The first readable offset of a partition. */
  public CompletionStage<Long> earliestOffset(TopicPartition tp) {
    return listOffsets(tp, Partition.EARLIEST_TIMESTAMP).thenApply(OffsetAndTimestamp::offset);
  }

  /** The log end offset of a partition (the offset the next record gets). */
  public CompletionStage<Long> latestOffset(TopicPartition tp) {
    return listOffsets(tp, Partition.LATEST_TIMESTAMP).thenApply(OffsetAndTimestamp::offset);
  }

  /** The first record at or after a timestamp, or empty if every record is older. */
  public CompletionStage<Optional<OffsetAndTimestamp>> offsetForTimestamp(TopicPartition tp, long timestamp) {
    if (timestamp < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("timestamp must be >= 0, not " + timestamp));
    }
    return listOffsets(tp, timestamp).thenApply(o -> o.offset() < 0 ? Optional.empty() : Optional.of(o));
  }

  private CompletionStage<OffsetAndTimestamp> listOffsets(TopicPartition tp, long timestamp) {
    return partition(tp).thenCompose(ref -> ask(ref, (ActorRef<Partition.OffsetsReply> r) -> new Partition.ListOffsets(timestamp, r)))
        .thenApply(reply -> {
          if (reply instanceof Partition.OffsetFound f) {
            return new OffsetAndTimestamp(f.offset(), f.timestamp());
          }
          throw failure(tp, (Partition.Rejected) reply);
        });
  }

  // ---- produce

  /** Sends one record with the configured {@code acks}. */
  public CompletionStage<RecordMetadata> send(ProducerRecord record) {
    return send(record, settings.acks());
  }

  /** Sends one record. */
  public CompletionStage<RecordMetadata> send(ProducerRecord record, Acks acks) {
    return sendAll(List.of(record), acks).thenApply(list -> list.get(0));
  }

  /**
   * Sends records, one batch per partition, and returns their metadata in the order given. Records
   * without a partition go by key (murmur2, as Kafka), or, without a key, all to one partition
   * chosen for this call (sticky).
   */
  public CompletionStage<List<RecordMetadata>> sendAll(List<ProducerRecord> records, Acks acks) {
    return sendAll(records, acks, settings.compressionType());
  }

  /**
   * Sends records as {@link #sendAll(List, Acks)} does, compressing the batches with {@code
   * compressionType} (Kafka's {@code compression.type}: one of {@code none}, {@code gzip}, {@code
   * snappy}, {@code lz4}, {@code zstd}) instead of {@code courant.client."compression.type"}.
   */
  public CompletionStage<List<RecordMetadata>> sendAll(List<ProducerRecord> records, Acks acks, String compressionType) {
    if (!RecordBatches.COMPRESSION_TYPES.contains(compressionType)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "compression.type must be one of " + RecordBatches.COMPRESSION_TYPES + ", not '" + compressionType + "'"));
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    String topic = records.get(0).topic();
    for (ProducerRecord r : records) {
      if (!r.topic().equals(topic)) {
        return sendToSeveralTopics(records, acks, compressionType);
      }
    }
    return topic(topic).thenCompose(t -> sendToTopic(t, records, acks, compressionType));
  }

  private CompletionStage<List<RecordMetadata>> sendToSeveralTopics(List<ProducerRecord> records, Acks acks,
      String compressionType) {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      byTopic.computeIfAbsent(records.get(i).topic(), k -> new ArrayList<>()).add(i);
    }
    RecordMetadata[] out = new RecordMetadata[records.size()];
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    byTopic.forEach((topic, indexes) -> {
      List<ProducerRecord> part = indexes.stream().map(records::get).toList();
      sends.add(sendAll(part, acks, compressionType).thenAccept(mds -> {
        for (int k = 0; k < indexes.size(); k++) {
          out[indexes.get(k)] = mds.get(k);
        }
      }).toCompletableFuture());
    });
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(out));
  }

  /** One batch per partition, built straight from the records (this is the produce hot path). */
  private CompletionStage<List<RecordMetadata>> sendToTopic(TopicDescription t, List<ProducerRecord> records, Acks acks,
      String compressionType) {
    int n = records.size();
    int[] partitionOf = new int[n];
    int[] sticky = {-1};
    int first = -1;
    boolean onePartition = true;
    for (int i = 0; i < n; i++) {
      ProducerRecord r = records.get(i);
      int p = partitioner.partitionFor(r, t.partitions(), sticky);
      if (p < 0) {
        return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            "partition " + r.partition() + " of topic '" + t.name() + "' does not exist: it has partitions 0 to "
                + (t.partitions() - 1)));
      }
      partitionOf[i] = p;
      if (first < 0) {
        first = p;
      } else if (p != first) {
        onePartition = false;
      }
    }
    RecordMetadata[] out = new RecordMetadata[n];
    long now = System.currentTimeMillis();
    if (onePartition) {
      return sendBatch(t, first, records, null, now, acks, compressionType, out).thenApply(v -> List.of(out));
    }
    Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byPartition.computeIfAbsent(partitionOf[i], k -> new ArrayList<>()).add(i);
    }
    List<CompletableFuture<Void>> sends = new ArrayList<>(byPartition.size());
    byPartition.forEach((p, indexes) -> sends.add(sendBatch(t, p, records, indexes, now, acks, compressionType, out).toCompletableFuture()));
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(out));
  }

  /** Encodes the records at {@code indexes} (all when null) into one batch and appends it. */
  private CompletionStage<Void> sendBatch(TopicDescription t, int partition, List<ProducerRecord> records, List<Integer> indexes,
      long now, Acks acks, String compressionType, RecordMetadata[] out) {
    int count = indexes == null ? records.size() : indexes.size();
    int estimate = 0;
    for (int k = 0; k < count; k++) {
      ProducerRecord r = records.get(indexes == null ? k : indexes.get(k));
      estimate += RecordBatches.estimate(r.key(), r.value(), r.headers());
    }
    RecordBatches.Builder builder = new RecordBatches.Builder(estimate, compressionType, -1L, (short) -1, -1);
    for (int k = 0; k < count; k++) {
      ProducerRecord r = records.get(indexes == null ? k : indexes.get(k));
      builder.append(r.timestamp() == null ? now : r.timestamp(), r.key(), r.value(), r.headers());
    }
    TopicPartition tp = new TopicPartition(t.name(), partition);
    return append(tp, builder.buildArray(), acks).thenAccept(appended -> {
      for (int k = 0; k < count; k++) {
        int i = indexes == null ? k : indexes.get(k);
        Long ts = records.get(i).timestamp();
        long timestamp = appended.logAppendTime() >= 0 ? appended.logAppendTime() : ts == null ? now : ts;
        out[i] = new RecordMetadata(t.name(), partition, appended.baseOffset() + k, timestamp);
      }
    });
  }

  /**
   * Appends encoded record batches (Kafka record batch v2) to one partition as they are: the path
   * for callers that build their own batches (idempotent producers, the Kafka protocol).
   */
  public CompletionStage<Partition.Appended> append(TopicPartition tp, byte[] batches, Acks acks) {
    return append(tp, batches, acks, settings.requestTimeout());
  }

  /**
   * {@link #append(TopicPartition, byte[], Acks)}, giving up after {@code within} (at most the
   * request timeout) when every batch carries a producer id: such batches may be sent again, and
   * the partition stores them once, so a caller that cannot tell where the partition is (a Kafka
   * listener asked for a partition it does not host) answers its client soon instead of holding
   * the client's connection. Appends without a producer id wait the whole request timeout:
   * sending those again could store them twice.
   */
  public CompletionStage<Partition.Appended> append(TopicPartition tp, byte[] batches, Acks acks, Duration within) {
    boolean idempotent = idempotent(batches);
    Duration wait = idempotent && within.compareTo(settings.requestTimeout()) < 0 ? within : settings.requestTimeout();
    long deadline = System.nanoTime() + wait.toNanos();
    return partition(tp).thenCompose(ref -> idempotent
            ? askResending(ref, (ActorRef<Partition.AppendReply> r) -> new Partition.Append(batches, acks, r), deadline)
            : ask(ref, (ActorRef<Partition.AppendReply> r) -> new Partition.Append(batches, acks, r)))
        .thenApply(reply -> {
          if (reply instanceof Partition.Appended a) {
            return a;
          }
          throw failure(tp, (Partition.Rejected) reply);
        });
  }

  /** Whether every batch carries a producer id and sequences, so that sending it twice stores it once. */
  private static boolean idempotent(byte[] batches) {
    try {
      return RecordBatches.batches(ByteBuffer.wrap(batches)).stream().allMatch(BatchInfo::hasProducerId);
    } catch (RuntimeException malformed) {
      return false; // the partition refuses it with the reason
    }
  }

  /**
   * Asks a partition, sending the message again when no answer came within {@code resend-after},
   * until {@code deadline}: a message lost while the partition moves (or while its node has died
   * unnoticed) costs a second, not the whole request timeout. Only for appends of idempotent
   * batches: the partition answers a batch it has seen with its original offsets, and a copy
   * that arrives while the first is being written waits for that write instead of writing again.
   */
  private <R> CompletionStage<R> askResending(EntityRef<Partition.Command> ref, Function<ActorRef<R>, Partition.Command> message,
      long deadline) {
    long left = deadline - System.nanoTime();
    Duration attempt = Duration.ofNanos(Math.max(1, Math.min(left, settings.resendAfter().toNanos())));
    return ref.ask(message::apply, attempt).exceptionallyCompose(failure -> {
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof java.util.concurrent.TimeoutException && deadline - System.nanoTime() > 0) {
        return askResending(ref, message, deadline);
      }
      return timeoutAsCourantError(failure);
    });
  }

  // ---- fetch

  /**
   * Reads records from an offset: waits up to {@code maxWait} for records to arrive (long poll),
   * returns at most about {@code maxBytes} (but at least one batch).
   *
   * @throws OffsetOutOfRangeException (in the stage) if the offset is outside the log; the message
   *     says the valid range
   */
  public CompletionStage<FetchResult> fetch(TopicPartition tp, long offset, int maxBytes, Duration maxWait) {
    return fetchBatches(tp, offset, maxBytes, 1, maxWait).thenApply(f -> {
      List<ConsumerRecord> records = new ArrayList<>();
      for (var r : RecordBatches.decode(ByteBuffer.wrap(f.batches()), offset)) {
        records.add(new ConsumerRecord(tp.topic(), tp.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers()));
      }
      return new FetchResult(tp, records, f.highWatermark(), f.logStartOffset());
    });
  }

  /** Reads stored batches as they are (for the Kafka protocol and other byte-level readers). */
  public CompletionStage<Partition.Fetched> fetchBatches(TopicPartition tp, long offset, int maxBytes, int minBytes, Duration maxWait) {
    // Not sent again without an answer, unlike idempotent appends: a read of old records from the
    // journal may take seconds, and each copy would start that read again.
    Duration askTimeout = settings.requestTimeout().plus(maxWait);
    return partition(tp).thenCompose(ref -> ref.ask((ActorRef<Partition.FetchReply> r) ->
            new Partition.Fetch(offset, maxBytes, minBytes, maxWait, r), askTimeout))
        .exceptionallyCompose(Courant::timeoutAsCourantError)
        .thenApply(reply -> {
          if (reply instanceof Partition.Fetched f) {
            return f;
          }
          throw failure(tp, (Partition.Rejected) reply);
        });
  }

  /** The marks and size of a partition. */
  public CompletionStage<Partition.LogStatus> logStatus(TopicPartition tp) {
    return partition(tp).thenCompose(ref -> ask(ref, Partition.GetLogState::new)).thenApply(reply -> {
      if (reply instanceof Partition.LogStatus s) {
        return s;
      }
      throw failure(tp, (Partition.Rejected) reply);
    });
  }

  /**
   * Kafka's {@code deleteRecords}: makes the records before {@code beforeOffset} unreadable (the
   * log start offset moves there; their journal events are deleted) and returns the new log start
   * (Kafka's low watermark). {@link Partition#HIGH_WATERMARK} (-1) deletes up to the log end.
   *
   * @throws OffsetOutOfRangeException (in the stage) if the offset is past the log end
   */
  public CompletionStage<Long> deleteRecords(TopicPartition tp, long beforeOffset) {
    return partition(tp).thenCompose(ref -> ask(ref, (ActorRef<Partition.DeleteRecordsReply> r) -> new Partition.DeleteRecords(beforeOffset, r)))
        .thenApply(reply -> {
          if (reply instanceof Partition.RecordsDeleted d) {
            return d.lowWatermark();
          }
          throw failure(tp, (Partition.Rejected) reply);
        });
  }

  // ---- consumer groups

  /**
   * Commits offsets for a group outside group membership (Kafka's "simple" commit, as a consumer
   * with a manual assignment or an admin tool does): per partition, the next offset to read.
   *
   * @throws InvalidGroupIdException (in the stage) if the group id is empty
   */
  public CompletionStage<Done> commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
    return group(groupId, r -> new GroupCoordinator.CommitOffsets("", GroupCoordinator.NO_GENERATION, offsets, r))
        .thenApply(reply -> Done.getInstance());
  }

  /** The group's committed offsets of these partitions (all of them when none are given). */
  public CompletionStage<Map<TopicPartition, OffsetAndMetadata>> committedOffsets(String groupId, List<TopicPartition> partitions) {
    return group(groupId, r -> new GroupCoordinator.FetchOffsets(partitions, r))
        .thenApply(reply -> ((GroupCoordinator.Offsets) reply).offsets());
  }

  /** The group's state and committed offsets. */
  public CompletionStage<GroupCoordinator.Group> describeGroup(String groupId) {
    return group(groupId, GroupCoordinator.DescribeGroup::new).thenApply(reply -> (GroupCoordinator.Group) reply);
  }

  /**
   * Deletes an empty group and its committed offsets.
   *
   * @throws GroupIdNotFoundException (in the stage) if the group does not exist
   */
  public CompletionStage<Done> deleteGroup(String groupId) {
    return group(groupId, GroupCoordinator.DeleteGroup::new).thenApply(reply -> Done.getInstance());
  }

  /**
   * Deletes an empty group's committed offsets of these partitions (Kafka's OffsetDelete).
   *
   * @throws GroupIdNotFoundException (in the stage) if the group does not exist; a {@link
   *     CourantException} with {@code GROUP_SUBSCRIBED_TO_TOPIC} while it has members
   */
  public CompletionStage<Done> deleteOffsets(String groupId, List<TopicPartition> partitions) {
    return group(groupId, r -> new GroupCoordinator.DeleteOffsets(partitions, r)).thenApply(reply -> Done.getInstance());
  }

  /**
   * Resets an empty group's committed offsets of these partitions, as {@code kafka-consumer-groups
   * --reset-offsets} does; returns the offsets set.
   */
  public CompletionStage<Map<TopicPartition, Long>> resetOffsets(String groupId, List<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, CompletableFuture<Long>> targets = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      targets.put(tp, resetTarget(tp, spec).toCompletableFuture());
    }
    return CompletableFuture.allOf(targets.values().toArray(CompletableFuture[]::new)).thenCompose(v -> {
      Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
      targets.forEach((tp, f) -> offsets.put(tp, f.join()));
      return group(groupId, r -> new GroupCoordinator.ResetOffsets(offsets, r)).thenApply(reply -> offsets);
    });
  }

  private CompletionStage<Long> resetTarget(TopicPartition tp, OffsetSpec spec) {
    if (spec instanceof OffsetSpec.Earliest) {
      return earliestOffset(tp);
    } else if (spec instanceof OffsetSpec.Latest) {
      return latestOffset(tp);
    } else if (spec instanceof OffsetSpec.ForTimestamp t) {
      return offsetForTimestamp(tp, t.timestamp())
          .thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found.get().offset()) : latestOffset(tp));
    }
    long wanted = ((OffsetSpec.Offset) spec).offset();
    return earliestOffset(tp).thenCombine(latestOffset(tp), (start, end) -> Math.max(start, Math.min(end, wanted)));
  }

  /** The group's lag: per committed partition, log end offset minus committed offset, and the total. */
  public CompletionStage<GroupLag> groupLag(String groupId) {
    return committedOffsets(groupId, List.of()).thenCompose(committed -> {
      Map<TopicPartition, CompletableFuture<Long>> ends = new LinkedHashMap<>();
      committed.keySet().forEach(tp -> ends.put(tp, latestOffset(tp).toCompletableFuture()));
      return CompletableFuture.allOf(ends.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
        Map<TopicPartition, GroupLag.PartitionLag> lags = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
          long end = ends.get(e.getKey()).join();
          long lag = Math.max(0, end - e.getValue().offset());
          lags.put(e.getKey(), new GroupLag.PartitionLag(e.getValue().offset(), end, lag));
          total += lag;
        }
        return new GroupLag(groupId, lags, total);
      });
    });
  }

  /** The ids of all groups that exist (have committed offsets). */
  public CompletionStage<List<String>> listGroups() {
    String prefix = GroupCoordinator.ENTITY_KEY.name() + "|";
    CurrentPersistenceIdsQuery journal = PersistenceQuery.get(system)
        .getReadJournalFor(CurrentPersistenceIdsQuery.class, system.settings().config().getString("courant.log.read-journal"));
    return journal.currentPersistenceIds()
        .filter(id -> id.startsWith(prefix))
        .map(id -> id.substring(prefix.length()))
        .mapAsync(4, id -> describeGroup(id))
        .filter(g -> g.state() != GroupState.DEAD)
        .map(GroupCoordinator.Group::groupId)
        .runWith(Sink.seq(), system)
        .thenApply(ids -> ids.stream().sorted().toList());
  }

  private CompletionStage<GroupCoordinator.Reply> group(String groupId,
      Function<ActorRef<GroupCoordinator.Reply>, GroupCoordinator.Command> command) {
    if (groupId == null || groupId.isEmpty()) {
      return CompletableFuture.failedFuture(new InvalidGroupIdException("a group id must not be empty"));
    }
    return ask(sharding.entityRefFor(GroupCoordinator.ENTITY_KEY, groupId), command).thenApply(reply -> {
      if (reply instanceof GroupCoordinator.Rejected r) {
        throw CourantException.of(r.code(), r.message());
      }
      return reply;
    });
  }

  // ---- plumbing

  private CompletionStage<EntityRef<Partition.Command>> partition(TopicPartition tp) {
    return topic(tp.topic()).thenCompose(t -> tp.partition() < t.partitions()
        ? CompletableFuture.completedFuture(t)
        : refreshTopic(tp.topic())) // the topic may have grown since it was cached
        .thenApply(t -> {
      if (tp.partition() >= t.partitions()) {
        throw new UnknownTopicOrPartitionException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition " + tp.partition()
            + " of topic '" + t.name() + "' does not exist: it has partitions 0 to " + (t.partitions() - 1));
      }
      return partitionRef(t, tp.partition());
    });
  }

  /**
   * The sharding reference of a partition, made once and reused: making one builds the entity id
   * string and URL-encodes it, which showed in the profile of the produce and fetch paths.
   */
  private EntityRef<Partition.Command> partitionRef(TopicDescription t, int partition) {
    AtomicReferenceArray<EntityRef<Partition.Command>> refs = partitionRefs.get(t.topicId());
    if (refs == null || refs.length() <= partition) {
      if (partitionRefs.size() >= MAX_CACHED_TOPIC_REFS) {
        partitionRefs.clear(); // topics created and deleted over and over: start again rather than grow
      }
      refs = partitionRefs.compute(t.topicId(), (id, old) -> old != null && old.length() > partition ? old
          : new AtomicReferenceArray<>(Math.max(t.partitions(), partition + 1)));
    }
    EntityRef<Partition.Command> ref = refs.get(partition);
    if (ref == null) {
      ref = sharding.entityRefFor(Partition.ENTITY_KEY, Partition.entityId(t.topicId(), partition));
      refs.set(partition, ref);
    }
    return ref;
  }

  /**
   * The topic's metadata as sends see it: from this node's cache, refreshed every {@code
   * metadata.max.age.ms} (as a Kafka producer's {@code partitionsFor}), so a caller on the produce
   * path does not ask the topic controller each time. It may lag a change by that long; {@link
   * #describeTopic} asks the controller.
   *
   * @throws UnknownTopicOrPartitionException (in the stage) if the topic does not exist
   */
  public CompletionStage<TopicDescription> cachedTopic(String name) {
    return topic(name);
  }

  /**
   * The topic's metadata, cached for {@code metadata.max.age.ms}. Callers waiting for a first
   * lookup are released in the order they asked, so sends keep their order per partition (as
   * Kafka's producer, which blocks {@code send} on metadata, does); a stale entry is used while it
   * is refreshed in the background.
   */
  private CompletionStage<TopicDescription> topic(String name) {
    TopicRoute route = topics.computeIfAbsent(name, n -> new TopicRoute());
    CompletableFuture<TopicDescription> waiting;
    synchronized (route) {
      if (route.topic != null) {
        if (System.nanoTime() - route.fetchedAtNanos > settings.metadataMaxAge().toNanos() && !route.loading) {
          load(name, route);
        }
        return CompletableFuture.completedFuture(route.topic);
      }
      waiting = new CompletableFuture<>();
      route.waiting.add(waiting);
      if (!route.loading) {
        load(name, route);
      }
    }
    return waiting;
  }

  private void load(String name, TopicRoute route) {
    route.loading = true;
    describeTopic(name).whenComplete((topic, failure) -> {
      // Released under the lock: a caller arriving meanwhile must not overtake the waiting ones.
      synchronized (route) {
        route.loading = false;
        if (topic != null) {
          route.topic = topic;
          route.fetchedAtNanos = System.nanoTime();
        } else {
          topics.remove(name, route);
        }
        List<CompletableFuture<TopicDescription>> released = new ArrayList<>(route.waiting);
        route.waiting.clear();
        for (CompletableFuture<TopicDescription> f : released) {
          if (topic != null) {
            f.complete(topic);
          } else {
            f.completeExceptionally(failure);
          }
        }
      }
    });
  }

  /** Reads a topic's metadata now and caches it. */
  private CompletionStage<TopicDescription> refreshTopic(String name) {
    return describeTopic(name).thenApply(t -> {
      TopicRoute route = topics.computeIfAbsent(name, n -> new TopicRoute());
      synchronized (route) {
        route.topic = t;
        route.fetchedAtNanos = System.nanoTime();
      }
      return t;
    });
  }

  /** Cached metadata of one topic, and the callers waiting for its first lookup. */
  private static final class TopicRoute {
    TopicDescription topic;
    long fetchedAtNanos;
    boolean loading;
    final List<CompletableFuture<TopicDescription>> waiting = new ArrayList<>();
  }

  private CourantException failure(TopicPartition tp, Partition.Rejected rejected) {
    if (rejected.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
      topics.remove(tp.topic());
    }
    return CourantException.of(rejected.code(), rejected.message());
  }

  private CompletionStage<TopicDescription> topicCommand(Function<ActorRef<TopicController.TopicReply>, TopicController.Command> command) {
    return ask(controller, command::apply).thenApply(reply -> {
      if (reply instanceof TopicController.TopicFound f) {
        return f.topic();
      }
      TopicController.Rejected r = (TopicController.Rejected) reply;
      throw CourantException.of(r.code(), r.message());
    });
  }

  private <Q, R> CompletionStage<R> ask(ActorRef<Q> target, Function<ActorRef<R>, Q> message) {
    return AskPattern.ask(target, message::apply, settings.requestTimeout(), system.scheduler())
        .exceptionallyCompose(Courant::timeoutAsCourantError);
  }

  // ---- placement

  /**
   * Which node hosts each partition: the cluster address of the shard region that holds the
   * partition's shard (sharding's own statistics, asked of every node). A partition whose shard is
   * not allocated (nothing has asked for it since the cluster started) is absent: the next request
   * starts it on a node sharding chooses.
   *
   * @return every hosted partition of every topic and its node; fails with {@link TimeoutException}
   *     when a node does not answer within {@code courant.client."request.timeout.ms"}
   */
  public CompletionStage<Map<TopicPartition, org.apache.pekko.actor.Address>> partitionOwners() {
    CompletionStage<Map<String, org.apache.pekko.actor.Address>> homes = Partition.shardHomes(system, settings.requestTimeout())
        .exceptionallyCompose(Courant::timeoutAsCourantError);
    var shards = Partition.shards(system);
    return listTopics().thenCombine(homes, (topics, hostOfShard) -> {
      Map<TopicPartition, org.apache.pekko.actor.Address> owners = new LinkedHashMap<>();
      for (TopicDescription t : topics) {
        for (int p = 0; p < t.partitions(); p++) {
          org.apache.pekko.actor.Address host = hostOfShard.get(shards.shardId(Partition.entityId(t.topicId(), p)));
          if (host != null) {
            owners.put(new TopicPartition(t.name(), p), host);
          }
        }
      }
      return owners;
    });
  }

  /**
   * Asks a group's coordinator directly, with its raw reply: for {@link CourantConsumer} and the
   * Kafka wire protocol, which speak the coordinator's protocol ({@link GroupCoordinator}) as it is.
   *
   * @param timeout how long to wait for the reply (a JoinGroup waits for the whole join phase)
   * @return the reply; fails with {@link TimeoutException} when none comes in time
   */
  public <R> CompletionStage<R> askGroup(String groupId, Function<ActorRef<R>, GroupCoordinator.Command> message, Duration timeout) {
    return sharding.entityRefFor(GroupCoordinator.ENTITY_KEY, groupId).ask(message::apply, timeout)
        .exceptionallyCompose(Courant::timeoutAsCourantError);
  }

  ActorSystem<?> system() {
    return system;
  }

  private <Q, R> CompletionStage<R> ask(EntityRef<Q> target, Function<ActorRef<R>, Q> message) {
    return target.ask(message::apply, settings.requestTimeout()).exceptionallyCompose(Courant::timeoutAsCourantError);
  }

  private static <R> CompletionStage<R> timeoutAsCourantError(Throwable t) {
    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return CompletableFuture.failedFuture(new TimeoutException("no reply in time: " + cause.getMessage()));
    }
    return CompletableFuture.failedFuture(cause);
  }
}
