package io.courant.client;

import io.courant.ErrorCode;
import io.courant.group.ConsumerProtocol;
import io.courant.group.GroupCoordinator;
import io.courant.group.OffsetAndMetadata;
import io.courant.group.PartitionAssignor;
import io.courant.group.PartitionAssignors;
import io.courant.topic.TopicDescription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A consumer with Kafka's API and semantics, in process: {@code subscribe} (topics or a pattern,
 * group-managed, with a {@link ConsumerRebalanceListener}) or {@code assign}, {@code poll}, {@code
 * seek}, {@code position}, {@code committed}, {@code commitSync}/{@code commitAsync}, {@code
 * pause}/{@code resume}, {@code close}. Settings by Kafka's names ({@link ConsumerSettings}).
 *
 * <pre>{@code
 * try (CourantConsumer consumer = new CourantConsumer(system, ConsumerSettings.create("billing")
 *     .with("auto.offset.reset", "earliest"))) {
 *   consumer.subscribe(List.of("orders"));
 *   while (running) {
 *     for (ConsumerRecord r : consumer.poll(Duration.ofMillis(500))) {
 *       handle(r);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>As Kafka's consumer, it is not thread-safe: call it from one thread. Heartbeats run on the
 * actor system's scheduler; a consumer that does not poll within {@code max.poll.interval.ms}
 * leaves its group. {@code close} leaves the group, except for a static member ({@code
 * group.instance.id}), which keeps its place for {@code session.timeout.ms}. Rebalances run inside {@code poll}: eager (all partitions revoked first) unless
 * every configured assignor is cooperative, then only the partitions that move are revoked.
 */
public final class CourantConsumer implements AutoCloseable {

  private final Courant courant;
  private final ActorSystem<?> system;
  private final ConsumerSettings settings;
  private final boolean cooperative;

  // subscription
  private Set<String> topics = Set.of();
  private Pattern pattern;
  private ConsumerRebalanceListener listener = ConsumerRebalanceListener.NONE;
  private boolean groupManaged;

  // assignment and positions
  private final Set<TopicPartition> assigned = new LinkedHashSet<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final ArrayDeque<Chunk> buffered = new ArrayDeque<>();
  private final Map<TopicPartition, Long> bufferedNext = new HashMap<>();
  private final Map<TopicPartition, InFlightFetch> inFlight = new HashMap<>();
  private Map<String, Integer> metadataAtJoin = Map.of();
  private long lastMetadataCheckNanos;
  private long lastAutoCommitNanos = System.nanoTime();

  // group session, shared with the heartbeat task
  private final Object session = new Object();
  private String memberId = "";
  private int generationId = GroupCoordinator.NO_GENERATION;
  private volatile boolean rejoinNeeded;
  // a join in progress across polls: when it started (0: none), and its request in flight
  private long joinStartedNanos;
  private CompletableFuture<GroupCoordinator.JoinReply> pendingJoin;
  private CompletableFuture<GroupCoordinator.SyncReply> pendingSync;
  private volatile boolean lost;
  private volatile long lastPollNanos = System.nanoTime();
  private Cancellable heartbeats;
  private boolean closed;

  public CourantConsumer(ActorSystem<?> system, ConsumerSettings settings) {
    this.system = system;
    this.courant = Courant.get(system);
    settings.validateTogether();
    this.settings = settings;
    this.cooperative = settings.assignmentStrategies().stream()
        .allMatch(s -> PartitionAssignors.byName(s).protocol() == PartitionAssignor.RebalanceProtocol.COOPERATIVE);
  }

  // ---- subscription and assignment

  /** Joins the group for these topics. */
  public void subscribe(Collection<String> topics) {
    subscribe(topics, ConsumerRebalanceListener.NONE);
  }

  /** Joins the group for these topics, telling {@code listener} of assignment changes. */
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    requireGroup("subscribe");
    topics.forEach(TopicPartition::checkTopic);
    startSubscription(Set.copyOf(topics), null, listener);
  }

  /** Joins the group for every topic whose name matches, now or when created later. */
  public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
    requireGroup("subscribe");
    startSubscription(Set.copyOf(matching(pattern)), pattern, listener);
  }

  private void startSubscription(Set<String> topics, Pattern pattern, ConsumerRebalanceListener listener) {
    if (!groupManaged && !assigned.isEmpty()) {
      throw new IllegalStateException("this consumer uses assign(); call unsubscribe() before subscribe()");
    }
    this.topics = topics;
    this.pattern = pattern;
    this.listener = listener;
    this.groupManaged = true;
    rejoinNeeded = true;
  }

  /** Reads these partitions, without group management (replaces any earlier assignment). */
  public void assign(Collection<TopicPartition> partitions) {
    if (groupManaged) {
      throw new IllegalStateException("this consumer uses subscribe(); call unsubscribe() before assign()");
    }
    assigned.clear();
    assigned.addAll(partitions);
    positions.keySet().retainAll(assigned);
    buffered.removeIf(c -> !assigned.contains(c.tp));
    bufferedNext.keySet().retainAll(assigned);
  }

  /** Leaves the group (or drops the manual assignment). */
  public void unsubscribe() {
    if (groupManaged) {
      revoke(new ArrayList<>(assigned));
      leaveGroup();
    }
    groupManaged = false;
    joinStartedNanos = 0;
    pendingJoin = null;
    pendingSync = null;
    topics = Set.of();
    pattern = null;
    assigned.clear();
    positions.clear();
    buffered.clear();
    bufferedNext.clear();
  }

  /** The partitions this consumer reads now. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  // ---- poll

  /**
   * Returns the next records (at most {@code max.poll.records}), waiting up to {@code timeout} for
   * some to arrive. Rebalances, position resets and auto-commits happen here. A rebalance that
   * takes longer than {@code timeout} (the group waiting for its other members, or its initial
   * rebalance delay) does not hold the poll: it returns no records in time and the next poll
   * carries the join on, as KafkaConsumer's poll does.
   *
   * @throws OffsetOutOfRangeException if a partition has no valid position and {@code
   *     auto.offset.reset=none}
   */
  public List<ConsumerRecord> poll(Duration timeout) {
    ensureOpen();
    lastPollNanos = System.nanoTime();
    long deadline = System.nanoTime() + timeout.toNanos();
    if (groupManaged) {
      checkMetadata();
      if (lost) {
        lost = false;
        List<TopicPartition> gone = new ArrayList<>(assigned);
        assigned.clear();
        positions.clear();
        buffered.clear();
        bufferedNext.clear();
        listener.onPartitionsLost(gone);
      }
      if ((rejoinNeeded || joining()) && !advanceJoin(deadline)) {
        maybeAutoCommit();
        return List.of(); // the rebalance goes on in the next poll
      }
    }
    maybeAutoCommit();
    while (true) {
      boolean wait = buffered.isEmpty() && !rejoinNeeded;
      fetch(wait ? Math.max(0, deadline - System.nanoTime()) : 0);
      if (!buffered.isEmpty() || !wait || System.nanoTime() >= deadline || rejoinNeeded) {
        return drain();
      }
    }
  }

  /** Takes up to {@code max.poll.records} buffered records, in fetch order, and advances the positions. */
  private List<ConsumerRecord> drain() {
    List<ConsumerRecord> out = new ArrayList<>(Math.min(settings.maxPollRecords(), 1024));
    while (!buffered.isEmpty() && out.size() < settings.maxPollRecords()) {
      Chunk c = buffered.peek();
      if (!assigned.contains(c.tp) || paused.contains(c.tp)) {
        buffered.poll();
        bufferedNext.remove(c.tp);
        continue;
      }
      int n = Math.min(settings.maxPollRecords() - out.size(), c.records.size() - c.next);
      out.addAll(c.records.subList(c.next, c.next + n));
      c.next += n;
      positions.put(c.tp, c.records.get(c.next - 1).offset() + 1);
      if (c.next == c.records.size()) {
        buffered.poll();
      }
    }
    return out;
  }

  /**
   * Keeps a fetch in flight for every fetchable partition whose buffered records are less than one
   * fetch ({@code max.partition.fetch.bytes}), so the next records are on their way while the
   * application processes these (Kafka's fetcher prefetches the same way); the memory a consumer
   * holds is bounded by about two fetches per partition. Fetches long-poll for {@code
   * fetch.max.wait.ms} and may outlive the poll that started them; a result whose start offset a
   * seek or rebalance made stale is dropped. Waits up to {@code waitNanos} for a first result.
   */
  private void fetch(long waitNanos) {
    List<TopicPartition> fetchable = assigned.stream().filter(tp -> !paused.contains(tp)).toList();
    inFlight.keySet().removeIf(tp -> !fetchable.contains(tp));
    if (fetchable.isEmpty()) {
      sleepUpTo(Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(100)));
      return;
    }
    harvest();
    startFetches(fetchable);
    if (waitNanos > 0 && buffered.isEmpty() && !inFlight.isEmpty()) {
      try {
        CompletableFuture.anyOf(inFlight.values().stream().map(InFlightFetch::result).toArray(CompletableFuture[]::new))
            .get(waitNanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // a failure is handled per partition by harvest; a timeout is an empty poll
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      harvest();
      startFetches(fetchable);
    }
  }

  private void startFetches(List<TopicPartition> fetchable) {
    for (TopicPartition tp : fetchable) {
      long from = nextFetchOffset(tp);
      InFlightFetch current = inFlight.get(tp);
      if ((current == null && bufferedBytes(tp) < settings.maxPartitionFetchBytes()) || (current != null && current.from() != from)) {
        inFlight.put(tp, new InFlightFetch(from,
            courant.fetch(tp, from, settings.maxPartitionFetchBytes(), settings.fetchMaxWait()).toCompletableFuture()));
      }
    }
  }

  /** Moves every completed fetch into the buffer. */
  private void harvest() {
    for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().result().isDone()) {
        continue;
      }
      it.remove();
      TopicPartition tp = e.getKey();
      if (e.getValue().from() != nextFetchOffset(tp)) {
        continue; // stale: the partition was sought or moved meanwhile
      }
      try {
        FetchResult r = e.getValue().result().join();
        if (!r.records().isEmpty()) {
          buffered.add(new Chunk(tp, r.records()));
          bufferedNext.put(tp, r.records().get(r.records().size() - 1).offset() + 1);
        }
      } catch (java.util.concurrent.CompletionException failure) {
        Throwable cause = unwrapAsync(failure);
        if (cause instanceof OffsetOutOfRangeException) {
          positions.remove(tp);
          bufferedNext.remove(tp);
          resetPosition(tp);
        } else if (!(cause instanceof RetriableException)) {
          throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
      }
    }
  }

  private long bufferedBytes(TopicPartition tp) {
    long bytes = 0;
    for (Chunk c : buffered) {
      if (c.tp.equals(tp)) {
        bytes += c.bytes;
      }
    }
    return bytes;
  }

  /** Where the next fetch of a partition starts: after what is buffered, else at the position. */
  private long nextFetchOffset(TopicPartition tp) {
    Long next = bufferedNext.get(tp);
    return next != null ? next : position(tp);
  }

  private void dropBuffered(TopicPartition tp) {
    buffered.removeIf(c -> c.tp.equals(tp));
    bufferedNext.remove(tp);
  }

  private record InFlightFetch(long from, CompletableFuture<FetchResult> result) {}

  /** One fetch's records of one partition, handed out from {@code next} on. */
  private static final class Chunk {
    final TopicPartition tp;
    final List<ConsumerRecord> records;
    final long bytes;
    int next;

    Chunk(TopicPartition tp, List<ConsumerRecord> records) {
      this.tp = tp;
      this.records = records;
      long size = 0;
      for (ConsumerRecord r : records) {
        size += 70 + (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
      }
      this.bytes = size;
    }
  }

  // ---- positions and seeking

  /** The offset of the next record {@code poll} returns from this partition (resolving it if needed). */
  public long position(TopicPartition tp) {
    if (!assigned.contains(tp)) {
      throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
    }
    Long position = positions.get(tp);
    if (position == null) {
      Optional<OffsetAndMetadata> committed = hasGroup() ? Optional.ofNullable(committed(Set.of(tp)).get(tp)) : Optional.empty();
      if (committed.isPresent()) {
        positions.put(tp, committed.get().offset());
      } else {
        resetPosition(tp);
      }
      position = positions.get(tp);
    }
    return position;
  }

  private void resetPosition(TopicPartition tp) {
    switch (settings.autoOffsetReset()) {
      case "earliest" -> positions.put(tp, await(courant.earliestOffset(tp)));
      case "latest" -> positions.put(tp, await(courant.latestOffset(tp)));
      default -> throw new OffsetOutOfRangeException("partition " + tp + " has no committed offset or its position is "
          + "out of range, and auto.offset.reset=none");
    }
  }

  /** Reads this partition from {@code offset} on the next poll. */
  public void seek(TopicPartition tp, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, not " + offset);
    }
    if (!assigned.contains(tp)) {
      throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
    }
    positions.put(tp, offset);
    dropBuffered(tp);
  }

  public void seekToBeginning(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> seek(tp, await(courant.earliestOffset(tp))));
  }

  public void seekToEnd(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> seek(tp, await(courant.latestOffset(tp))));
  }

  /** The first offset of each partition (Kafka's {@code beginningOffsets}); any partition, assigned or not. */
  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    partitions.forEach(tp -> out.put(tp, await(courant.earliestOffset(tp))));
    return out;
  }

  /** The log end offset of each partition: the offset the next record will get (Kafka's {@code endOffsets}). */
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    partitions.forEach(tp -> out.put(tp, await(courant.latestOffset(tp))));
    return out;
  }

  /**
   * For each partition, the first record whose timestamp is at or after the given one (epoch
   * millis), or null when there is none (Kafka's {@code offsetsForTimes}).
   */
  public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
    Map<TopicPartition, OffsetAndTimestamp> out = new LinkedHashMap<>();
    timestamps.forEach((tp, ts) -> out.put(tp, await(courant.offsetForTimestamp(tp, ts)).orElse(null)));
    return out;
  }

  public void pause(Collection<TopicPartition> partitions) {
    paused.addAll(partitions);
    partitions.forEach(this::dropBuffered);
  }

  public void resume(Collection<TopicPartition> partitions) {
    paused.removeAll(partitions);
  }

  public Set<TopicPartition> paused() {
    return Set.copyOf(paused);
  }

  // ---- commits

  /** The group's committed offsets of these partitions (absent: none committed). */
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    requireGroup("committed");
    return await(courant.committedOffsets(settings.groupId(), List.copyOf(partitions)));
  }

  /** Commits the positions of all assigned partitions and waits for the coordinator. */
  public void commitSync() {
    commitSync(currentPositions());
  }

  /**
   * Commits these offsets (the next offset to read, per partition) and waits.
   *
   * @throws IllegalGenerationException / UnknownMemberIdException if a rebalance took the
   *     partitions away meanwhile
   */
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    await(commit(offsets));
  }

  /** Commits the positions of all assigned partitions without waiting. */
  public void commitAsync() {
    commitAsync(currentPositions(), (offsets, failure) -> {});
  }

  /** Commits without waiting; {@code callback} gets the offsets and the failure, or null. */
  public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, BiConsumer<Map<TopicPartition, OffsetAndMetadata>, Throwable> callback) {
    commit(offsets).whenComplete((ok, failure) -> callback.accept(offsets, failure == null ? null : unwrapAsync(failure)));
  }

  private CompletionStage<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    requireGroup("commit");
    if (offsets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String member;
    int generation;
    synchronized (session) {
      member = groupManaged ? memberId : "";
      generation = groupManaged ? generationId : GroupCoordinator.NO_GENERATION;
    }
    return courant.<GroupCoordinator.Reply>askGroup(settings.groupId(),
            r -> new GroupCoordinator.CommitOffsets(member, generation, offsets, r), Duration.ofSeconds(30))
        .thenApply(reply -> {
          if (reply instanceof GroupCoordinator.Rejected r) {
            throw CourantException.of(r.code(), r.message());
          }
          return null;
        });
  }

  private Map<TopicPartition, OffsetAndMetadata> currentPositions() {
    Map<TopicPartition, OffsetAndMetadata> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (TopicPartition tp : assigned) {
      Long p = positions.get(tp);
      if (p != null) {
        out.put(tp, OffsetAndMetadata.of(p));
      }
    }
    return out;
  }

  private void maybeAutoCommit() {
    if (settings.enableAutoCommit() && hasGroup() && System.nanoTime() - lastAutoCommitNanos > settings.autoCommitInterval().toNanos()) {
      lastAutoCommitNanos = System.nanoTime();
      commitAsync();
    }
  }

  // ---- the group protocol

  /**
   * Advances the join (JoinGroup, then SyncGroup) until it completes or {@code deadline} passes,
   * as KafkaConsumer's poll does: a rebalance the coordinator holds open (waiting for the other
   * members) does not hold the poll beyond its timeout. The requests in flight are kept for the
   * next poll; a join that has not completed within {@code max.poll.interval.ms} fails.
   *
   * @return whether this consumer is now a member with its assignment
   */
  private boolean advanceJoin(long deadline) {
    try {
      return stepJoin(deadline);
    } catch (RuntimeException e) {
      // This round is over; the next poll starts another (Kafka's consumer rejoins after a failed join too).
      joinStartedNanos = 0;
      pendingJoin = null;
      pendingSync = null;
      rejoinNeeded = true;
      throw e;
    }
  }

  private boolean stepJoin(long deadline) {
    if (joinStartedNanos == 0) {
      if (!cooperative) {
        revoke(new ArrayList<>(assigned));
      }
      joinStartedNanos = System.nanoTime();
    }
    while (System.nanoTime() - joinStartedNanos < settings.maxPollInterval().toNanos()) {
      if (pendingSync != null) {
        Optional<GroupCoordinator.SyncReply> sync = awaitUntil(pendingSync, deadline);
        if (sync.isEmpty()) {
          return false;
        }
        pendingSync = null;
        if (sync.get() instanceof GroupCoordinator.Rejected r) {
          if (r.code() == ErrorCode.UNKNOWN_MEMBER_ID) {
            setMember("", GroupCoordinator.NO_GENERATION);
          }
          continue; // rebalance in progress or a new generation: join again
        }
        joinStartedNanos = 0;
        applyAssignment(ConsumerProtocol.decodeAssignment(((GroupCoordinator.Synced) sync.get()).assignment()));
        startHeartbeats();
        return true;
      }
      if (pendingJoin == null) {
        pendingJoin = sendJoin();
      }
      Optional<GroupCoordinator.JoinReply> reply = awaitUntil(pendingJoin, deadline);
      if (reply.isEmpty()) {
        return false;
      }
      pendingJoin = null;
      if (reply.get() instanceof GroupCoordinator.MemberIdRequired m) {
        setMember(m.memberId(), GroupCoordinator.NO_GENERATION);
        continue;
      }
      if (reply.get() instanceof GroupCoordinator.Rejected r) {
        if (r.code() == ErrorCode.UNKNOWN_MEMBER_ID) {
          setMember("", GroupCoordinator.NO_GENERATION);
          continue;
        }
        throw CourantException.of(r.code(), r.message());
      }
      GroupCoordinator.Joined joined = (GroupCoordinator.Joined) reply.get();
      setMember(joined.memberId(), joined.generationId());
      Map<String, byte[]> assignments = joined.leaderId().equals(joined.memberId()) ? assign(joined) : Map.of();
      pendingSync = courant.<GroupCoordinator.SyncReply>askGroup(settings.groupId(),
          r -> new GroupCoordinator.SyncGroup(joined.memberId(), joined.generationId(), assignments, r), Duration.ofSeconds(60))
          .toCompletableFuture();
    }
    throw new TimeoutException("group '" + settings.groupId() + "' did not complete a rebalance within max.poll.interval.ms");
  }

  private boolean joining() {
    return joinStartedNanos != 0;
  }

  private CompletableFuture<GroupCoordinator.JoinReply> sendJoin() {
    rejoinNeeded = false;
    Set<String> subscribed = pattern != null ? Set.copyOf(matching(pattern)) : topics;
    topics = subscribed;
    metadataAtJoin = partitionCounts(subscribed);
    String currentMember;
    synchronized (session) {
      currentMember = memberId;
    }
    return courant.<GroupCoordinator.JoinReply>askGroup(settings.groupId(), r -> new GroupCoordinator.JoinGroup(
        currentMember, settings.groupInstanceId(), ConsumerProtocol.PROTOCOL_TYPE, protocols(subscribed), settings.sessionTimeout().toMillis(),
        settings.maxPollInterval().toMillis(), true, r), settings.maxPollInterval().plusSeconds(30)).toCompletableFuture();
  }

  /** The reply if it comes before {@code deadline} (or has come already); empty otherwise. */
  private static <T> Optional<T> awaitUntil(CompletableFuture<T> reply, long deadline) {
    try {
      return Optional.of(reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  private void applyAssignment(List<TopicPartition> partitions) {
    Set<TopicPartition> next = new LinkedHashSet<>(partitions);
    List<TopicPartition> revoked = assigned.stream().filter(tp -> !next.contains(tp)).toList();
    List<TopicPartition> added = next.stream().filter(tp -> !assigned.contains(tp)).toList();
    if (!revoked.isEmpty()) {
      revoke(revoked);
    }
    assigned.clear();
    assigned.addAll(next);
    paused.retainAll(next);
    listener.onPartitionsAssigned(added);
    if (cooperative && !revoked.isEmpty()) {
      rejoinNeeded = true; // the second round hands the revoked partitions to their new owners
    }
  }

  private void revoke(List<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    if (settings.enableAutoCommit() && hasGroup()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = currentPositions();
      offsets.keySet().retainAll(partitions);
      try {
        commitSync(offsets);
      } catch (CourantException e) {
        system.log().warn("Auto-commit before revoking {} failed: {}", partitions, e.getMessage());
      }
    }
    listener.onPartitionsRevoked(partitions);
    partitions.forEach(assigned::remove);
    partitions.forEach(positions::remove);
    partitions.forEach(this::dropBuffered);
  }

  /** The leader's part: runs the chosen assignor over every member's subscription. */
  private Map<String, byte[]> assign(GroupCoordinator.Joined joined) {
    PartitionAssignor assignor = PartitionAssignors.byName(joined.protocol());
    Map<String, PartitionAssignor.Subscription> subscriptions = new LinkedHashMap<>();
    Set<String> allTopics = new HashSet<>();
    for (GroupCoordinator.MemberMetadata m : joined.members()) {
      PartitionAssignor.Subscription subscription = ConsumerProtocol.decodeSubscription(m.metadata(), m.groupInstanceId());
      allTopics.addAll(subscription.topics());
      subscriptions.put(m.memberId(), subscription);
    }
    Map<String, List<TopicPartition>> result = assignor.assign(partitionCounts(allTopics), subscriptions);
    Map<String, byte[]> out = new HashMap<>();
    result.forEach((member, tps) -> out.put(member, ConsumerProtocol.encodeAssignment(tps)));
    return out;
  }

  private List<GroupCoordinator.Protocol> protocols(Set<String> subscribed) {
    int generation;
    synchronized (session) {
      generation = generationId;
    }
    byte[] metadata = ConsumerProtocol.encodeSubscription(List.copyOf(new java.util.TreeSet<>(subscribed)), List.copyOf(assigned), generation);
    return settings.assignmentStrategies().stream()
        .map(s -> new GroupCoordinator.Protocol(PartitionAssignors.byName(s).name(), metadata)).toList();
  }

  private void setMember(String member, int generation) {
    synchronized (session) {
      memberId = member;
      generationId = generation;
    }
  }

  private void startHeartbeats() {
    if (heartbeats != null) {
      return;
    }
    Duration every = settings.heartbeatInterval();
    heartbeats = system.scheduler().scheduleWithFixedDelay(every, every, this::heartbeat, system.executionContext());
  }

  /** On the scheduler: keeps the session alive, notices rebalances and a stalled poll loop. */
  private void heartbeat() {
    String member;
    int generation;
    synchronized (session) {
      member = memberId;
      generation = generationId;
    }
    if (member.isEmpty() || rejoinNeeded || closed) {
      return;
    }
    if (System.nanoTime() - lastPollNanos > settings.maxPollInterval().toNanos()) {
      system.log().warn("Consumer {} of group {} did not poll within max.poll.interval.ms; leaving the group", member, settings.groupId());
      leaveGroup();
      lost = true;
      rejoinNeeded = true;
      return;
    }
    courant.<GroupCoordinator.Reply>askGroup(settings.groupId(), r -> new GroupCoordinator.Heartbeat(member, generation, r),
        settings.heartbeatInterval()).whenComplete((reply, failure) -> {
          if (reply instanceof GroupCoordinator.Rejected r) {
            if (r.code() == ErrorCode.UNKNOWN_MEMBER_ID) {
              setMember("", GroupCoordinator.NO_GENERATION);
              lost = true;
            }
            rejoinNeeded = true;
          }
        });
  }

  private void leaveGroup() {
    String member;
    synchronized (session) {
      member = memberId;
      memberId = "";
      generationId = GroupCoordinator.NO_GENERATION;
    }
    if (!member.isEmpty()) {
      try {
        courant.<GroupCoordinator.Reply>askGroup(settings.groupId(), r -> new GroupCoordinator.LeaveGroup(member, r), Duration.ofSeconds(10))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        system.log().warn("Leaving group {} failed: {}", settings.groupId(), e.toString());
      }
    }
  }

  /** Rejoins when the subscribed topics gained partitions or a pattern matches other topics. */
  private void checkMetadata() {
    if (rejoinNeeded || System.nanoTime() - lastMetadataCheckNanos < settings.metadataMaxAge().toNanos()) {
      return;
    }
    lastMetadataCheckNanos = System.nanoTime();
    Set<String> subscribed = pattern != null ? Set.copyOf(matching(pattern)) : topics;
    if (!partitionCounts(subscribed).equals(metadataAtJoin)) {
      rejoinNeeded = true;
    }
  }

  private Map<String, Integer> partitionCounts(Set<String> names) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : names) {
      try {
        TopicDescription t = await(courant.describeTopic(name));
        counts.put(name, t.partitions());
      } catch (UnknownTopicOrPartitionException e) {
        // not created yet: nothing to assign
      }
    }
    return counts;
  }

  private List<String> matching(Pattern pattern) {
    return await(courant.listTopics()).stream().map(TopicDescription::name).filter(n -> pattern.matcher(n).matches()).sorted().toList();
  }

  // ---- closing

  /** Commits (with auto-commit), leaves the group (unless a static member) and stops heartbeating. */
  @Override
  public void close() {
    close(false);
  }

  /**
   * As {@link #close()}, but a static member ({@code group.instance.id}) leaves the group too, so
   * that the others rebalance at once instead of after {@code session.timeout.ms} (Kafka's {@code
   * close(CloseOptions)} with {@code LEAVE_GROUP}).
   */
  public void closeAndLeaveGroup() {
    close(true);
  }

  private void close(boolean leaveAsStaticMember) {
    if (closed) {
      return;
    }
    try {
      if (groupManaged) {
        revoke(new ArrayList<>(assigned));
        if (settings.groupInstanceId() == null || leaveAsStaticMember) {
          leaveGroup();
        } // A static member does not leave (as in Kafka): back within session.timeout.ms, it takes its place again.
      } else if (settings.enableAutoCommit() && hasGroup()) {
        commitSync();
      }
    } finally {
      closed = true;
      if (heartbeats != null) {
        heartbeats.cancel();
      }
    }
  }

  /** For tests: stops heartbeating and polling without leaving, as a killed process would. */
  void crash() {
    closed = true;
    if (heartbeats != null) {
      heartbeats.cancel();
    }
  }

  // ---- helpers

  private boolean hasGroup() {
    return !settings.groupId().isEmpty();
  }

  private void requireGroup(String operation) {
    if (!hasGroup()) {
      throw new InvalidGroupIdException(operation + " needs a group.id; this consumer has none");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this consumer is closed");
    }
  }

  private static void sleepUpTo(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    return e.getCause() instanceof RuntimeException r ? (RuntimeException) unwrapAsync(r) : new IllegalStateException(e.getCause());
  }

  private static Throwable unwrapAsync(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
