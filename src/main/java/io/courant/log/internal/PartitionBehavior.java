package io.courant.log.internal;

import io.courant.ErrorCode;
import io.courant.log.BatchInfo;
import io.courant.log.LogSettings;
import io.courant.log.Partition;
import io.courant.log.Partition.Command;
import io.courant.log.Partition.Rejected;
import io.courant.log.TopicLog;
import io.courant.log.TopicResolver;
import io.courant.log.internal.kafka.RecordBatches;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The sharded entity of a partition: the front of its {@link PartitionLog}.
 *
 * <p>A persistent actor has one journal write in flight and stashes commands meanwhile, which would
 * cap a partition at a few hundred writes per second. This front never stashes once running: it
 * validates appends, assigns offsets, checks producer sequences and gathers appends that arrive
 * while a write is in flight into the next write (group commit). It serves reads itself, from an
 * in-memory tail or the journal, so that reads never queue behind writes.
 */
public final class PartitionBehavior {

  private record LogRecovered(LogState state) implements Command {}

  private record TopicResolved(Optional<TopicLog> topic, Throwable failure) implements Command {}

  private record StartTimedOut() implements Command {}

  private record Claimed(Boolean claimed, long epoch, Throwable failure) implements Command {}

  private record RetryClaim() implements Command {}

  private record RetryWrite() implements Command {}

  private record Fenced() implements Command {}

  private record WriteDone(long seqNr) implements Command {}

  private record LogStopped() implements Command {}

  private record Released(Throwable failure) implements Command {}

  /** How long a stopping partition waits to give up its claim before it stops anyway. */
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(10);

  private record SnapshotSaved(long seqNr) implements Command {}

  private record EnforceRetention() implements Command {}

  private record JournalDeleted(long toSeqNr, Throwable failure) implements Command {}

  /** From a running compaction pass: write this compacted event, reply once it is durable. */
  private record WriteCompacted(PartitionLog.RecordsCompacted event, ActorRef<org.apache.pekko.Done> replyTo)
      implements Command {}

  private record CompactionDone(Throwable failure) implements Command {}

  private record FetchExpired(long waiterId) implements Command {}

  private record EventsRead(List<byte[]> events, ReadAhead readAhead, Throwable failure, Consumer<List<byte[]>> then,
      Consumer<Throwable> otherwise) implements Command {}

  /** An accepted append waiting for its journal write. */
  private record PendingAppend(byte[] batches, long baseOffset, long lastOffset, long maxTimestamp, long appendTime,
      ActorRef<Partition.AppendReply> replyTo, long receivedNanos) {}

  /** A reply due once an offset is durable (a duplicate of an append still in flight). */
  private record DurableReply(long lastOffset, Partition.Appended reply, ActorRef<Partition.AppendReply> replyTo) {}

  private record Waiter(long id, Partition.Fetch fetch) {}

  private static final Duration NO_WAIT = Duration.ZERO;

  public static Behavior<Command> create(String entityId, LogSettings settings, TopicResolver topics) {
    return create(entityId, settings, topics, Clock.systemUTC());
  }

  public static Behavior<Command> create(String entityId, LogSettings settings, TopicResolver topics, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000,
        stash -> new PartitionBehavior(ctx, timers, stash, entityId, settings, clock).starting(topics))));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final String entityId;
  private final LogSettings settings;
  private final Clock clock;
  private final PersistenceId persistenceId;
  private ActorRef<PartitionLog.Command> log;
  private final NodeLease lease;
  /** The node lease epoch this partition was claimed under: it writes only while that lease holds. */
  private long leaseEpoch = -1;
  private final long createdNanos = System.nanoTime();
  private long claimedNanos;
  /** The latest claim (fencing); a release waits for it, so that a claim landing late is given up too. */
  private CompletionStage<Boolean> claiming = CompletableFuture.completedFuture(false);
  private final ActorRef<PartitionLog.Persisted> writeDone;
  private final TailCache tail;
  private final TailCache readAhead;
  /** Looked up on the first journal read (partitions that only serve the tail never need it). */
  private CurrentEventsByPersistenceIdQuery readJournal;

  private TopicLog topic;
  private LogState state;
  private String name;
  /** This partition's counters on this node (set once the topic is known). */
  private io.courant.log.PartitionMetrics.Counters counters;
  private long highWatermark;
  private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
  private long pendingBytes;
  private List<PendingAppend> inFlight;
  private PartitionLog.RecordsAppended inFlightEvent;
  private final List<DurableReply> durableReplies = new ArrayList<>();
  private final Map<Long, Waiter> waiters = new HashMap<>();
  private long nextWaiterId;

  // Moving the log start (retention, DeleteRecords): one LogStartAdvanced write at a time, in the
  // same single-writer queue as the appends.
  private long pendingStart = -1;
  private final List<ActorRef<Partition.DeleteRecordsReply>> pendingStartReplies = new ArrayList<>();
  private long startInFlight = -1;
  private List<ActorRef<Partition.DeleteRecordsReply>> startInFlightReplies = List.of();
  /**
   * Sequence number of the last event that changed which journal events the index refers to (a
   * LogStartAdvanced, a compacted event): a snapshot at or after it lets older events go.
   */
  private long structuralChangeAtSeqNr;
  private long journalDeleteRequestedTo;
  private long lastSnapshotSeqNr;

  // Compaction (cleanup.policy=compact): one pass at a time; its events join the single-writer queue.
  private boolean compacting;
  private final ArrayDeque<WriteCompacted> pendingCompacted = new ArrayDeque<>();
  private WriteCompacted compactedInFlight;

  private PartitionBehavior(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      String entityId, LogSettings settings, Clock clock) {
    this.ctx = ctx;
    this.timers = timers;
    this.stash = stash;
    this.entityId = entityId;
    this.settings = settings;
    this.clock = clock;
    this.name = entityId;
    this.persistenceId = PersistenceId.of(Partition.ENTITY_KEY.name(), entityId);
    EventCache cache = EventCache.get(ctx.getSystem());
    this.tail = new TailCache(cache, settings.tailCacheBytes());
    this.readAhead = new TailCache(cache, 2L * settings.readAheadBytes());
    this.lease = NodeLease.get(ctx.getSystem());
    this.writeDone = ctx.messageAdapter(PartitionLog.Persisted.class, p -> new WriteDone(p.seqNr()));
  }

  // ---- starting: find the topic and recover the log, stash everything else

  private Behavior<Command> starting(TopicResolver topics) {
    UUID topicId;
    int partition;
    try {
      topicId = UUID.fromString(entityId.substring(0, 36));
      partition = Integer.parseInt(entityId.substring(37));
    } catch (RuntimeException e) {
      ctx.getLog().error("Partition entity id '{}' is not <topic id>-<partition>", entityId);
      return Behaviors.stopped();
    }
    ctx.pipeToSelf(topics.resolve(topicId), TopicResolved::new);
    timers.startSingleTimer(new StartTimedOut(), settings.startTimeout());
    claim();
    return Behaviors.receive(Command.class)
        .onMessage(Claimed.class, m -> {
          if (Boolean.TRUE.equals(m.claimed())) {
            leaseEpoch = m.epoch();
            claimedNanos = System.nanoTime();
            recover();
          } else {
            if (m.failure() != null) {
              ctx.getLog().warn("Partition {}: claiming it failed, retrying: {}", entityId, m.failure().toString());
            }
            timers.startSingleTimer(new RetryClaim(), Duration.ofMillis(500));
          }
          return Behaviors.same();
        })
        .onMessage(RetryClaim.class, m -> {
          claim();
          return Behaviors.same();
        })
        .onMessage(LogRecovered.class, m -> {
          state = m.state();
          highWatermark = state.nextOffset();
          return startedIfReady(partition);
        })
        .onMessage(TopicResolved.class, m -> {
          if (m.failure() != null) {
            return failStart(ErrorCode.REQUEST_TIMED_OUT, "topic metadata unavailable: " + m.failure().getMessage());
          }
          if (m.topic().isEmpty() || partition >= m.topic().get().partitions()) {
            return failStart(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "partition " + partition + " of topic id " + topicId + " does not exist");
          }
          topic = m.topic().get();
          name = topic.name() + "-" + partition;
          counters = io.courant.log.PartitionMetrics.get(ctx.getSystem()).partition(topic.name(), partition);
          return startedIfReady(partition);
        })
        .onMessage(StartTimedOut.class, m -> failStart(ErrorCode.REQUEST_TIMED_OUT,
            "partition " + entityId + " did not start within " + settings.startTimeout()))
        .onMessage(LogStopped.class, m -> failStart(ErrorCode.KAFKA_STORAGE_ERROR,
            "partition " + entityId + " could not recover its log from the journal (see the node's log)"))
        // Moved (or passivated) before it could claim: nothing to finish here. Once claimed, the
        // stop waits for the start, and the requests that came before it are served first.
        .onMessage(Partition.Stop.class, m -> leaseEpoch < 0
            ? failStart(ErrorCode.NOT_LEADER_OR_FOLLOWER, "partition " + entityId + " moved to another node before it started here")
            : stashed(m))
        .onMessage(Command.class, this::stashed)
        // Stopped by force while starting (sharding's hand-over timeout): it wrote nothing, so its claim goes.
        .onSignal(PostStop.class, signal -> {
          claiming.exceptionally(failure -> false).thenCompose(claimed -> lease.release(persistenceId.id()));
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> stashed(Command m) {
    if (stash.isFull()) {
      reject(m, ErrorCode.REQUEST_TIMED_OUT, "partition " + entityId + " is starting and has too many waiting requests");
    } else {
      stash.stash(m);
    }
    return Behaviors.same();
  }

  /** Claims the partition for this node (fencing): waits until a previous owner's lease has run out. */
  private void claim() {
    long epoch = lease.epoch();
    claiming = lease.claim(persistenceId.id());
    ctx.pipeToSelf(claiming.thenApply(claimed -> {
      if (claimed && lease.epoch() != epoch) {
        return false; // the lease lapsed while claiming: claim again under the new one
      }
      return claimed;
    }), (claimed, failure) -> new Claimed(claimed, epoch, failure));
  }

  /** Once the partition is this node's, its log recovers from the journal. */
  private void recover() {
    log = ctx.spawn(PartitionLog.create(persistenceId, ctx.messageAdapter(PartitionLog.Notice.class,
        n -> n instanceof PartitionLog.Recovered r ? new LogRecovered(r.state()) : new SnapshotSaved(((PartitionLog.SnapshotSaved) n).seqNr())),
        settings.snapshotEvery()), "log");
    ctx.watchWith(log, new LogStopped());
  }

  private Behavior<Command> startedIfReady(int partition) {
    if (state == null || topic == null) {
      return Behaviors.same();
    }
    timers.cancel(new StartTimedOut());
    timers.startTimerWithFixedDelay(new EnforceRetention(), settings.retentionCheckInterval());
    ctx.getSelf().tell(new EnforceRetention());
    // One line per start (a failover, a hand-over, a first use): where partitions run, and how long they took.
    long now = System.nanoTime();
    ctx.getLog().info("Partition {} started on this node: claimed in {} ms, recovered in {} ms; log start {}, end {}, {} events", name,
        (claimedNanos - createdNanos) / 1_000_000, (now - claimedNanos) / 1_000_000, state.logStartOffset(), highWatermark,
        state.index().size());
    return stash.unstashAll(running());
  }

  private Behavior<Command> failStart(ErrorCode code, String message) {
    ctx.getLog().warn("Partition {} not started: {}", entityId, message);
    stash.forEach(m -> reject(m, code, message));
    return releasing();
  }

  /**
   * Stops once this node's claim on the partition is given up, so that the node it moves to claims
   * it at once: while this node lives its lease never expires, and a claim that waited for it would
   * wait forever. Only when nothing of this partition waits for the journal (a stop that drained, a
   * start that wrote nothing): after a failed or fenced write the claim stays, and a new owner
   * elsewhere waits for this node's lease to expire. Requests meanwhile are told to find the leader.
   */
  private Behavior<Command> releasing() {
    if (log != null) {
      ctx.stop(log);
    }
    ctx.pipeToSelf(claiming.exceptionally(failure -> false).thenCompose(claimed -> lease.release(persistenceId.id())),
        (released, failure) -> new Released(failure));
    timers.startSingleTimer(new Released(new java.util.concurrent.TimeoutException("no answer within " + RELEASE_TIMEOUT)),
        RELEASE_TIMEOUT);
    String message = "partition " + name + " is moving to another node; refresh the metadata and retry";
    return Behaviors.receive(Command.class)
        .onMessage(Released.class, m -> {
          if (m.failure() != null) {
            ctx.getLog().warn("Partition {}: giving up this node's claim failed (its next owner waits for this node's lease): {}",
                name, m.failure().toString());
          }
          return Behaviors.stopped();
        })
        .onMessage(EventsRead.class, this::onEventsRead)
        .onMessage(Command.class, m -> {
          reject(m, ErrorCode.NOT_LEADER_OR_FOLLOWER, message);
          return Behaviors.same();
        })
        .build();
  }

  // ---- running

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Partition.Append.class, this::onAppend)
        .onMessage(WriteDone.class, this::onWriteDone)
        .onMessage(Partition.Fetch.class, this::onFetch)
        .onMessage(FetchExpired.class, this::onFetchExpired)
        .onMessage(EventsRead.class, this::onEventsRead)
        .onMessage(Partition.ListOffsets.class, this::onListOffsets)
        .onMessage(Partition.GetLogState.class, this::onGetLogState)
        .onMessage(Partition.ConfigChanged.class, this::onConfigChanged)
        .onMessage(Partition.TopicDeleted.class, this::onTopicDeleted)
        .onMessage(Partition.Stop.class, this::onStop)
        .onMessage(RetryWrite.class, m -> {
          writeIfIdle();
          return Behaviors.same();
        })
        .onMessage(Fenced.class, this::onFenced)
        .onMessage(Partition.DeleteRecords.class, this::onDeleteRecords)
        .onMessage(EnforceRetention.class, this::onEnforceRetention)
        .onMessage(SnapshotSaved.class, this::onSnapshotSaved)
        .onMessage(JournalDeleted.class, this::onJournalDeleted)
        .onMessage(WriteCompacted.class, this::onWriteCompacted)
        .onMessage(CompactionDone.class, this::onCompactionDone)
        .onMessage(LogStopped.class, this::onLogStopped)
        .onSignal(PostStop.class, stopped -> {
          tail.clear();
          readAhead.clear();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onAppend(Partition.Append append) {
    long receivedNanos = System.nanoTime();
    ByteBuffer buffer = ByteBuffer.wrap(append.batches());
    if (pendingBytes + append.batches().length > settings.maxPendingBytes()) {
      append.replyTo().tell(new Rejected(ErrorCode.REQUEST_TIMED_OUT, "partition " + name + " has " + pendingBytes
          + " bytes waiting for the journal (courant.log.max-pending-bytes); retry later"));
      return Behaviors.same();
    }
    List<BatchInfo> batches;
    try {
      batches = RecordBatches.validate(buffer, topic.config().maxMessageBytes(), topic.config().compact());
    } catch (BatchRejectedException e) {
      append.replyTo().tell(new Rejected(e.code(), "partition " + name + ": " + e.getMessage()));
      return Behaviors.same();
    }
    Map<Long, ProducerStates.Entry> overlay = new HashMap<>();
    List<ProducerStates.Appended> duplicates = new ArrayList<>();
    for (BatchInfo b : batches) {
      ProducerStates.Check check = state.producers().check(b, overlay);
      if (check instanceof ProducerStates.Reject r) {
        // Telling when tracing a producer's trouble, but repeated by every retry during a failover.
        ctx.getLog().debug("Partition {}: refused a batch ({}): {}", name, r.code(), r.message());
        append.replyTo().tell(new Rejected(r.code(), "partition " + name + ": " + r.message()));
        return Behaviors.same();
      } else if (check instanceof ProducerStates.Duplicate d) {
        duplicates.add(d.original());
      } else {
        state.producers().record(b, overlay);
      }
    }
    if (!duplicates.isEmpty()) {
      return onDuplicate(append, batches, duplicates);
    }

    long appendTime = topic.config().logAppendTime() ? clock.millis() : -1L;
    long baseOffset = state.nextOffset;
    state.nextOffset = RecordBatches.assignOffsets(buffer, baseOffset, appendTime);
    List<BatchInfo> assigned = RecordBatches.batches(buffer);
    overlay.clear();
    long maxTimestamp = -1L;
    for (BatchInfo b : assigned) {
      state.producers().record(b, overlay);
      maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
    }
    state.producers().commit(overlay);

    long lastOffset = state.nextOffset - 1;
    boolean replyNow = append.acks() == Partition.Acks.NONE;
    if (replyNow) {
      append.replyTo().tell(new Partition.Appended(baseOffset, lastOffset, appendTime, state.logStartOffset()));
      io.courant.log.PartitionMetrics.get(ctx.getSystem()).appendLatency().observe(System.nanoTime() - receivedNanos);
    }
    pending.add(new PendingAppend(append.batches(), baseOffset, lastOffset, maxTimestamp, appendTime,
        replyNow ? null : append.replyTo(), receivedNanos));
    pendingBytes += append.batches().length;
    writeIfIdle();
    return Behaviors.same();
  }

  private Behavior<Command> onDuplicate(Partition.Append append, List<BatchInfo> batches, List<ProducerStates.Appended> duplicates) {
    if (duplicates.size() != batches.size()) {
      // Not DUPLICATE_SEQUENCE_NUMBER: Kafka's producers take that as success, for the new batches too.
      append.replyTo().tell(new Rejected(ErrorCode.INVALID_REQUEST,
          "partition " + name + ": the request mixes already stored and new batches of one producer; send them separately"));
      return Behaviors.same();
    }
    long first = duplicates.get(0).baseOffset();
    long last = duplicates.get(duplicates.size() - 1).lastOffset();
    Partition.Appended reply = new Partition.Appended(first, last, -1L, state.logStartOffset());
    if (last < highWatermark || append.acks() == Partition.Acks.NONE) {
      append.replyTo().tell(reply);
    } else {
      durableReplies.add(new DurableReply(last, reply, append.replyTo()));
    }
    return Behaviors.same();
  }

  /** Starts the next journal write with everything gathered, if none is in flight (group commit). */
  private void writeIfIdle() {
    if (inFlight != null || startInFlight >= 0 || compactedInFlight != null) {
      return;
    }
    if (!lease.holds(leaseEpoch) && (pendingStart >= 0 || !pendingCompacted.isEmpty() || !pending.isEmpty())) {
      // Fencing: this node's lease is not fresh enough to write. Wait for its renewal; once it has
      // run out, another node may own the partition: stop.
      if (lease.lapsed(leaseEpoch)) {
        ctx.getSelf().tell(new Fenced());
      } else {
        timers.startSingleTimer(new RetryWrite(), Duration.ofMillis(100));
      }
      return;
    }
    if (pendingStart >= 0) {
      startInFlight = pendingStart;
      startInFlightReplies = new ArrayList<>(pendingStartReplies);
      pendingStart = -1;
      pendingStartReplies.clear();
      log.tell(new PartitionLog.AdvanceStart(new PartitionLog.LogStartAdvanced(startInFlight), writeDone));
      return;
    }
    if (!pendingCompacted.isEmpty()) {
      compactedInFlight = pendingCompacted.poll();
      log.tell(new PartitionLog.PersistCompacted(compactedInFlight.event(), writeDone));
      return;
    }
    if (pending.isEmpty()) {
      return;
    }
    List<PendingAppend> group = new ArrayList<>();
    int bytes = 0;
    while (!pending.isEmpty()
        && (group.isEmpty() || bytes + pending.peek().batches().length <= settings.groupCommitMaxBytes())) {
      PendingAppend p = pending.poll();
      group.add(p);
      bytes += p.batches().length;
    }
    byte[] batches;
    if (group.size() == 1) {
      batches = group.get(0).batches();
    } else {
      batches = new byte[bytes];
      int at = 0;
      for (PendingAppend p : group) {
        System.arraycopy(p.batches(), 0, batches, at, p.batches().length);
        at += p.batches().length;
      }
    }
    long maxTimestamp = group.stream().mapToLong(PendingAppend::maxTimestamp).max().orElse(-1L);
    inFlight = group;
    inFlightEvent = new PartitionLog.RecordsAppended(group.get(0).baseOffset(),
        group.get(group.size() - 1).lastOffset(), maxTimestamp, batches);
    log.tell(new PartitionLog.Persist(inFlightEvent, writeDone));
  }

  private Behavior<Command> onWriteDone(WriteDone done) {
    if (startInFlight >= 0) {
      return onStartAdvanced(done.seqNr());
    }
    if (compactedInFlight != null) {
      return onCompactedWritten(done.seqNr());
    }
    PartitionLog.RecordsAppended event = inFlightEvent;
    state.index().add(event.baseOffset(), event.lastOffset(), done.seqNr(), event.maxTimestamp(), event.batches().length);
    state.lastSeqNr = done.seqNr();
    highWatermark = event.lastOffset() + 1;
    tail.put(done.seqNr(), event.batches());
    io.courant.log.PartitionMetrics.Histogram latency = io.courant.log.PartitionMetrics.get(ctx.getSystem()).appendLatency();
    long now = System.nanoTime();
    for (PendingAppend p : inFlight) {
      pendingBytes -= p.batches().length;
      counters.appendedRecords.add(p.lastOffset() - p.baseOffset() + 1);
      counters.appendedBytes.add(p.batches().length);
      if (p.replyTo() != null) {
        p.replyTo().tell(new Partition.Appended(p.baseOffset(), p.lastOffset(), p.appendTime(), state.logStartOffset()));
        latency.observe(now - p.receivedNanos());
      }
    }
    inFlight = null;
    inFlightEvent = null;
    for (Iterator<DurableReply> it = durableReplies.iterator(); it.hasNext(); ) {
      DurableReply r = it.next();
      if (r.lastOffset() < highWatermark) {
        r.replyTo().tell(r.reply());
        it.remove();
      }
    }
    wakeWaiters();
    writeIfIdle();
    return stopIfDrained();
  }

  // ---- the log start: DeleteRecords and retention

  private Behavior<Command> onDeleteRecords(Partition.DeleteRecords delete) {
    long target = delete.beforeOffset() == Partition.HIGH_WATERMARK ? highWatermark : delete.beforeOffset();
    if (target < 0 || target > highWatermark) {
      delete.replyTo().tell(new Rejected(ErrorCode.OFFSET_OUT_OF_RANGE, "cannot delete records of partition " + name
          + " before offset " + delete.beforeOffset() + ": the offset must be between the log start "
          + state.logStartOffset() + " and the log end " + highWatermark + " (or -1 for the log end)"));
    } else if (target <= state.logStartOffset() && pendingStart < 0 && startInFlight < 0) {
      delete.replyTo().tell(new Partition.RecordsDeleted(state.logStartOffset()));
    } else {
      pendingStart = Math.max(pendingStart, target);
      pendingStartReplies.add(delete.replyTo());
      writeIfIdle();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onEnforceRetention(EnforceRetention check) {
    maybeCompact();
    long target = retentionTarget();
    if (target > state.logStartOffset() && target > pendingStart && target > startInFlight) {
      ctx.getLog().debug("Partition {}: retention moves the log start from {} to {}", name, state.logStartOffset(), target);
      pendingStart = target;
      writeIfIdle();
    }
    return Behaviors.same();
  }

  /**
   * Where {@code retention.ms} and {@code retention.bytes} put the log start, as Kafka deletes
   * whole segments: the oldest journal events go while all their records are older than {@code
   * retention.ms} (by the largest timestamp so far), and while the log without them still holds at
   * least {@code retention.bytes}.
   */
  private long retentionTarget() {
    io.courant.log.LogConfig config = topic.config();
    LogIndex index = state.index();
    int drop = 0;
    if (config.delete() && config.retentionMs() >= 0) {
      int firstKept = index.findTimestamp(clock.millis() - config.retentionMs());
      drop = firstKept < 0 ? index.size() : firstKept;
    }
    if (config.delete() && config.retentionBytes() >= 0) {
      int k = 0;
      while (k < index.size() && index.bytesFrom(k + 1) >= config.retentionBytes()) {
        k++;
      }
      drop = Math.max(drop, k);
    }
    return drop == 0 ? state.logStartOffset() : Math.max(state.logStartOffset(), index.lastOffset(drop - 1) + 1);
  }

  private Behavior<Command> onStartAdvanced(long seqNr) {
    state.advanceStart(startInFlight);
    state.lastSeqNr = seqNr;
    structuralChangeAtSeqNr = seqNr;
    startInFlightReplies.forEach(r -> r.tell(new Partition.RecordsDeleted(state.logStartOffset())));
    ctx.getLog().debug("Partition {}: log start now {}", name, state.logStartOffset());
    startInFlight = -1;
    startInFlightReplies = List.of();
    deleteOldJournalEvents();
    writeIfIdle();
    return stopIfDrained();
  }

  private Behavior<Command> onSnapshotSaved(SnapshotSaved saved) {
    lastSnapshotSeqNr = Math.max(lastSnapshotSeqNr, saved.seqNr());
    deleteOldJournalEvents();
    return Behaviors.same();
  }

  /**
   * Once a snapshot holds the latest log start, the journal events before it are never replayed:
   * they are deleted (pekko-persistence-cassandra deletes them and records the highest deleted
   * sequence number, so a replay starts after it). The snapshot's signal may come before or after
   * the write's reply (Pekko runs a write's side effects once its snapshot is stored).
   */
  private void deleteOldJournalEvents() {
    // Every event below the oldest one the index refers to is dropped data or an applied marker.
    long deletableTo = Math.min(state.index().minSeqNr() - 1, state.lastSeqNr());
    if (structuralChangeAtSeqNr > 0 && lastSnapshotSeqNr >= structuralChangeAtSeqNr && deletableTo > journalDeleteRequestedTo) {
      journalDeleteRequestedTo = deletableTo;
      JournalDeletes.deleteTo(ctx, persistenceId.id(), deletableTo, JournalDeleted::new);
    }
  }

  // ---- compaction

  /**
   * Starts a compaction pass when the topic is compacted and the part of the log not yet compacted
   * is at least {@code min.cleanable.dirty.ratio} of it. The newest journal event is left out (as
   * Kafka leaves the active segment), so the records just written are never rewritten at once.
   */
  private void maybeCompact() {
    LogIndex index = state.index();
    if (!topic.config().compact() || compacting || index.size() < 2) {
      return;
    }
    int count = index.size() - 1;
    long total = 0;
    long dirty = 0;
    for (int i = 0; i < count; i++) {
      total += index.sizeInBytes(i);
      if (index.baseOffset(i) >= state.cleanedTo()) {
        dirty += index.sizeInBytes(i);
      }
    }
    if (dirty == 0 || dirty < topic.config().minCleanableDirtyRatio() * total) {
      return;
    }
    List<Compaction.Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(new Compaction.Entry(index.baseOffset(i), index.lastOffset(i), index.seqNr(i)));
    }
    compacting = true;
    ctx.getLog().debug("Partition {}: compacting offsets {} to {} ({} of {} bytes not compacted yet)", name,
        entries.get(0).baseOffset(), entries.get(count - 1).lastOffset(), dirty, total);
    var self = ctx.getSelf();
    var system = ctx.getSystem();
    ctx.pipeToSelf(Compaction.run(system, readJournal(), persistenceId.id(), entries, topic.config(), clock.millis(),
            settings.groupCommitMaxBytes(),
            event -> org.apache.pekko.actor.typed.javadsl.AskPattern.<Command, org.apache.pekko.Done>ask(self,
                replyTo -> new WriteCompacted(event, replyTo), settings.startTimeout(), system.scheduler())),
        (done, failure) -> new CompactionDone(failure));
  }

  private Behavior<Command> onWriteCompacted(WriteCompacted write) {
    pendingCompacted.add(write);
    writeIfIdle();
    return Behaviors.same();
  }

  private Behavior<Command> onCompactedWritten(long seqNr) {
    PartitionLog.RecordsCompacted event = compactedInFlight.event();
    state.applyCompacted(event, seqNr);
    state.lastSeqNr = seqNr;
    structuralChangeAtSeqNr = seqNr;
    if (event.batches().length > 0) {
      tail.put(seqNr, event.batches());
    }
    compactedInFlight.replyTo().tell(org.apache.pekko.Done.getInstance());
    compactedInFlight = null;
    deleteOldJournalEvents();
    writeIfIdle();
    return stopIfDrained();
  }

  private Behavior<Command> onCompactionDone(CompactionDone done) {
    compacting = false;
    if (done.failure() != null) {
      ctx.getLog().warn("Partition {}: compaction pass failed (the next check starts another): {}", name, done.failure().toString());
    } else {
      ctx.getLog().debug("Partition {}: compaction pass done; compacted up to offset {}", name, state.cleanedTo());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onJournalDeleted(JournalDeleted deleted) {
    if (deleted.failure() != null) {
      ctx.getLog().warn("Partition {}: deleting journal events up to {} failed (retried at the next retention): {}", name,
          deleted.toSeqNr(), deleted.failure().toString());
      journalDeleteRequestedTo = 0;
    } else {
      ctx.getLog().debug("Partition {}: journal events up to {} deleted", name, deleted.toSeqNr());
    }
    return Behaviors.same();
  }

  private boolean stopping;

  private Behavior<Command> onFenced(Fenced fenced) {
    String message = "partition " + name + " stopped writing on this node: the node's lease ran out (paused, or cut off "
        + "from Cassandra), so the partition may have moved; refresh and retry";
    ctx.getLog().warn("Partition {}: node lease lapsed; failing {} appends and stopping", name, pending.size());
    pending.forEach(p -> replyError(p.replyTo(), ErrorCode.NOT_LEADER_OR_FOLLOWER, message));
    durableReplies.forEach(r -> replyError(r.replyTo(), ErrorCode.NOT_LEADER_OR_FOLLOWER, message));
    pendingStartReplies.forEach(r -> r.tell(new Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, message)));
    waiters.values().forEach(w -> w.fetch().replyTo().tell(new Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, message)));
    return Behaviors.stopped();
  }

  private Behavior<Command> onStop(Partition.Stop stop) {
    ctx.getLog().info("Partition {} stopping (moving to another node, or idle): {} appends to finish", name,
        pending.size() + (inFlight == null ? 0 : inFlight.size()));
    stopping = true;
    waiters.values().forEach(w -> {
      timers.cancel(w.id());
      serve(w.fetch());
    });
    waiters.clear();
    return stopIfDrained();
  }

  /** A stopping partition stops once nothing it accepted waits for the journal. */
  private Behavior<Command> stopIfDrained() {
    boolean drained = inFlight == null && pending.isEmpty() && startInFlight < 0 && pendingStart < 0 && compactedInFlight == null
        && durableReplies.isEmpty();
    return stopping && drained ? releasing() : Behaviors.same();
  }

  private Behavior<Command> onLogStopped(LogStopped stopped) {
    String message = "partition " + name + ": the journal write failed; the records may or may not be stored";
    ctx.getLog().error("Partition {} log stopped (journal failure); failing {} appends and restarting on next use",
        name, (inFlight == null ? 0 : inFlight.size()) + pending.size());
    if (inFlight != null) {
      inFlight.forEach(p -> replyError(p.replyTo(), ErrorCode.KAFKA_STORAGE_ERROR, message));
    }
    pending.forEach(p -> replyError(p.replyTo(), ErrorCode.KAFKA_STORAGE_ERROR, message));
    durableReplies.forEach(r -> replyError(r.replyTo(), ErrorCode.KAFKA_STORAGE_ERROR, message));
    waiters.values().forEach(w -> w.fetch().replyTo().tell(new Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, message)));
    return Behaviors.stopped();
  }

  private static void replyError(ActorRef<Partition.AppendReply> replyTo, ErrorCode code, String message) {
    if (replyTo != null) {
      replyTo.tell(new Rejected(code, message));
    }
  }

  // ---- reads

  private Behavior<Command> onFetch(Partition.Fetch fetch) {
    if (fetch.offset() < state.logStartOffset() || fetch.offset() > highWatermark) {
      fetch.replyTo().tell(new Rejected(ErrorCode.OFFSET_OUT_OF_RANGE, "offset " + fetch.offset()
          + " is out of range for partition " + name + ": valid offsets are " + state.logStartOffset() + " to "
          + highWatermark + " (the log end)"));
      return Behaviors.same();
    }
    Duration wait = fetch.maxWait().compareTo(settings.maxFetchWait()) > 0 ? settings.maxFetchWait() : fetch.maxWait();
    if (wait.compareTo(NO_WAIT) > 0 && bytesAvailable(fetch.offset()) < Math.max(1, fetch.minBytes())) {
      long id = nextWaiterId++;
      waiters.put(id, new Waiter(id, fetch));
      timers.startSingleTimer(id, new FetchExpired(id), wait);
    } else {
      serve(fetch);
    }
    return Behaviors.same();
  }

  private long bytesAvailable(long offset) {
    int i = state.index().findOffset(offset);
    return i < 0 ? 0 : state.index().bytesFrom(i);
  }

  private void wakeWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    for (Iterator<Waiter> it = waiters.values().iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (bytesAvailable(w.fetch().offset()) >= Math.max(1, w.fetch().minBytes())) {
        timers.cancel(w.id());
        it.remove();
        serve(w.fetch());
      }
    }
  }

  private Behavior<Command> onFetchExpired(FetchExpired expired) {
    Waiter w = waiters.remove(expired.waiterId());
    if (w != null) {
      serve(w.fetch());
    }
    return Behaviors.same();
  }

  /** Replies with the events from the one holding the offset, up to maxBytes (at least one). */
  private void serve(Partition.Fetch fetch) {
    LogIndex index = state.index();
    int first = index.findOffset(fetch.offset());
    if (first < 0) {
      fetch.replyTo().tell(new Partition.Fetched(new byte[0], highWatermark, state.logStartOffset()));
      return;
    }
    int last = first;
    long bytes = index.sizeInBytes(first);
    while (last + 1 < index.size() && bytes + index.sizeInBytes(last + 1) <= fetch.maxBytes()) {
      last++;
      bytes += index.sizeInBytes(last);
    }
    long hw = highWatermark;
    long logStart = state.logStartOffset();
    readEvents(first, last,
        events -> fetch.replyTo().tell(counted(new Partition.Fetched(concat(events, fetch.offset()), hw, logStart), fetch.offset())),
        failure -> fetch.replyTo().tell(new Rejected(ErrorCode.KAFKA_STORAGE_ERROR,
            "partition " + name + ": reading the journal failed: " + failure.getMessage())));
  }

  /** Counts a fetch's records (offsets from the one asked for) and bytes in this partition's counters. */
  private Partition.Fetched counted(Partition.Fetched fetched, long fromOffset) {
    if (fetched.batches().length > 0) {
      long records = 0;
      for (BatchInfo b : RecordBatches.batches(ByteBuffer.wrap(fetched.batches()))) {
        records += Math.max(0, b.lastOffset() - Math.max(b.baseOffset(), fromOffset) + 1);
      }
      counters.fetchedRecords.add(records);
      counters.fetchedBytes.add(fetched.batches().length);
    }
    return fetched;
  }

  /**
   * Hands the events at index positions first..last to {@code then}: from the tail, the read-ahead
   * cache, or the journal. A journal read goes on past {@code last} up to {@code
   * courant.log.read-ahead-bytes}, so a reader working through old data costs one journal query
   * per read-ahead instead of one per fetch.
   */
  private void readEvents(int first, int last, Consumer<List<byte[]>> then, Consumer<Throwable> otherwise) {
    LogIndex index = state.index();
    List<byte[]> events = new ArrayList<>(last - first + 1);
    for (int i = first; i <= last; i++) {
      byte[] cached = cached(index.seqNr(i));
      if (cached == null) {
        // One journal query reads a run of increasing sequence numbers (compacted events come after
        // younger ones): the fetch is served up to the end of the run, and reads ahead past it.
        int until = i;
        long bytes = index.sizeInBytes(i);
        while (until + 1 < index.size() && index.seqNr(until + 1) > index.seqNr(until)
            && (until + 1 <= last || bytes + index.sizeInBytes(until + 1) <= settings.readAheadBytes())) {
          until++;
          bytes += index.sizeInBytes(until);
        }
        List<Long> wanted = new ArrayList<>(until - i + 1);
        Map<Long, Integer> sizes = new HashMap<>();
        for (int j = i; j <= until; j++) {
          wanted.add(index.seqNr(j));
          sizes.put(index.seqNr(j), index.sizeInBytes(j));
        }
        readJournal(wanted, sizes, Math.min(last, until) - i + 1, events, then, otherwise);
        return;
      }
      events.add(cached);
    }
    then.accept(events);
  }

  private byte[] cached(long seqNr) {
    byte[] event = tail.get(seqNr);
    return event != null ? event : readAhead.get(seqNr);
  }

  private CurrentEventsByPersistenceIdQuery readJournal() {
    if (readJournal == null) {
      readJournal = PersistenceQuery.get(ctx.getSystem())
          .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, settings.readJournal());
    }
    return readJournal;
  }

  /**
   * Reads the events with these (increasing) sequence numbers; the first {@code needed} answer the
   * read. Each event read must be the one the index names: present, and of the size the index
   * holds for it (0: not checked, an entry compacted below the log start). Anything else fails the
   * read loudly instead of answering a fetch with batches at other offsets than it asked for.
   */
  private void readJournal(List<Long> wanted, Map<Long, Integer> sizes, int needed, List<byte[]> prefix,
      Consumer<List<byte[]>> then, Consumer<Throwable> otherwise) {
    var read = readJournal().currentEventsByPersistenceId(persistenceId.id(), wanted.get(0), wanted.get(wanted.size() - 1))
        .filter(envelope -> sizes.containsKey(envelope.sequenceNr()) && envelope.event() instanceof PartitionLog.DataEvent)
        .runWith(Sink.seq(), ctx.getSystem());
    ctx.pipeToSelf(read, (envelopes, failure) -> {
      if (envelopes == null) {
        return new EventsRead(null, null, failure, then, otherwise);
      }
      Map<Long, byte[]> bySeqNr = new HashMap<>();
      for (var envelope : envelopes) {
        bySeqNr.put(envelope.sequenceNr(), ((PartitionLog.DataEvent) envelope.event()).batches());
      }
      List<Long> seqNrs = new ArrayList<>(wanted.size());
      List<byte[]> events = new ArrayList<>(wanted.size());
      for (int k = 0; k < wanted.size(); k++) {
        long seqNr = wanted.get(k);
        byte[] event = bySeqNr.get(seqNr);
        int expected = sizes.get(seqNr);
        String problem = event == null ? "is not in the journal"
            : expected != 0 && event.length != expected ? "holds " + event.length + " bytes where the index expects " + expected
            : null;
        if (problem != null) {
          if (k < needed) {
            return new EventsRead(null, null, new IllegalStateException("journal event " + seqNr + " of partition " + name
                + " " + problem + " (the read needs events " + wanted.get(0) + " to " + wanted.get(needed - 1) + ")"),
                then, otherwise);
          }
          break; // read ahead only as far as the journal agrees with the index
        }
        seqNrs.add(seqNr);
        events.add(event);
      }
      List<byte[]> answer = new ArrayList<>(prefix);
      answer.addAll(events.subList(0, needed));
      return new EventsRead(answer, new ReadAhead(seqNrs, events), null, then, otherwise);
    });
  }

  /** Events read from the journal, kept for the reads that follow. */
  private record ReadAhead(List<Long> seqNrs, List<byte[]> events) {}

  private Behavior<Command> onEventsRead(EventsRead read) {
    if (read.failure() != null) {
      ctx.getLog().warn("Partition {}: journal read failed", name, read.failure());
      read.otherwise().accept(read.failure());
    } else {
      for (int i = 0; i < read.readAhead().seqNrs().size(); i++) {
        readAhead.put(read.readAhead().seqNrs().get(i), read.readAhead().events().get(i));
      }
      read.then().accept(read.events());
    }
    return Behaviors.same();
  }

  private static byte[] concat(List<byte[]> events, long fromOffset) {
    ByteBuffer head = RecordBatches.from(ByteBuffer.wrap(events.get(0)), fromOffset);
    int size = head.remaining();
    for (int i = 1; i < events.size(); i++) {
      size += events.get(i).length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(head);
    for (int i = 1; i < events.size(); i++) {
      out.put(events.get(i));
    }
    return out.array();
  }

  private Behavior<Command> onListOffsets(Partition.ListOffsets list) {
    if (list.timestamp() == Partition.EARLIEST_TIMESTAMP) {
      list.replyTo().tell(new Partition.OffsetFound(state.logStartOffset(), -1L));
    } else if (list.timestamp() == Partition.LATEST_TIMESTAMP) {
      list.replyTo().tell(new Partition.OffsetFound(highWatermark, -1L));
    } else if (list.timestamp() < 0) {
      list.replyTo().tell(new Rejected(ErrorCode.INVALID_REQUEST, "timestamp " + list.timestamp()
          + " is not valid: use a time in ms since the epoch, -2 (earliest) or -1 (latest)"));
    } else {
      int at = state.index().findTimestamp(list.timestamp());
      if (at < 0) {
        list.replyTo().tell(new Partition.OffsetFound(-1L, -1L));
      } else {
        readEvents(at, at,
            events -> list.replyTo().tell(RecordBatches.offsetForTimestamp(ByteBuffer.wrap(events.get(0)), list.timestamp())
                .map(found -> new Partition.OffsetFound(found.offset(), found.timestamp()))
                .orElse(new Partition.OffsetFound(-1L, -1L))),
            failure -> list.replyTo().tell(new Rejected(ErrorCode.KAFKA_STORAGE_ERROR,
                "partition " + name + ": reading the journal failed: " + failure.getMessage())));
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetLogState(Partition.GetLogState get) {
    get.replyTo().tell(new Partition.LogStatus(state.logStartOffset(), highWatermark, state.index().totalBytes(),
        state.index().size()));
    return Behaviors.same();
  }

  private Behavior<Command> onConfigChanged(Partition.ConfigChanged changed) {
    topic = changed.topic();
    return Behaviors.same();
  }

  private Behavior<Command> onTopicDeleted(Partition.TopicDeleted deleted) {
    String message = "topic " + topic.name() + " was deleted";
    io.courant.log.PartitionMetrics.get(ctx.getSystem()).forgetTopic(topic.name());
    if (inFlight != null) {
      inFlight.forEach(p -> replyError(p.replyTo(), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message));
    }
    pending.forEach(p -> replyError(p.replyTo(), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message));
    waiters.values().forEach(w -> w.fetch().replyTo().tell(new Rejected(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message)));
    return Behaviors.stopped();
  }

  /** Answers any partition command with an error (used while starting fails). */
  private static void reject(Command command, ErrorCode code, String message) {
    Rejected rejected = new Rejected(code, message);
    if (command instanceof Partition.Append m) {
      m.replyTo().tell(rejected);
    } else if (command instanceof Partition.Fetch m) {
      m.replyTo().tell(rejected);
    } else if (command instanceof Partition.ListOffsets m) {
      m.replyTo().tell(rejected);
    } else if (command instanceof Partition.GetLogState m) {
      m.replyTo().tell(rejected);
    } else if (command instanceof Partition.DeleteRecords m) {
      m.replyTo().tell(rejected);
    }
  }
}
