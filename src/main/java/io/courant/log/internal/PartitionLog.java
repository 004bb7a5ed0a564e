package io.courant.log.internal;

import io.courant.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The persistent half of a partition: the event-sourced actor whose journal (in Cassandra) holds
 * the log. Its only writer is its parent, {@link PartitionBehavior}, which validates appends,
 * assigns offsets and gathers them into one {@link RecordsAppended} per journal write, and moves
 * the log start forward ({@link LogStartAdvanced}: retention, DeleteRecords). On recovery it hands
 * the parent a copy of the recovered state; it tells the parent of every snapshot saved, since
 * events before a snapshot that holds the new log start may then be deleted from the journal.
 */
public final class PartitionLog
    extends EventSourcedBehaviorWithEnforcedReplies<PartitionLog.Command, PartitionLog.Event, LogState> {

  /** Messages the log accepts (from its parent only). */
  public interface Command extends CborSerializable {}

  /** Persist appended records; the reply comes when they are in the journal. */
  public record Persist(RecordsAppended event, ActorRef<Persisted> replyTo) implements Command {}

  /** Persist a new log start; the reply comes when it is in the journal. */
  public record AdvanceStart(LogStartAdvanced event, ActorRef<Persisted> replyTo) implements Command {}

  /**
   * @param seqNr the journal sequence number of the event
   * @param nextOffset the log end offset after it
   */
  public record Persisted(long seqNr, long nextOffset) implements CborSerializable {}

  /** What the log tells its parent. */
  public sealed interface Notice permits Recovered, SnapshotSaved {}

  /** Sent to the parent once recovery is complete. */
  public record Recovered(LogState state) implements Notice {}

  /** A snapshot of the state after event {@code seqNr} was saved. */
  public record SnapshotSaved(long seqNr) implements Notice {}

  /** Events of the log. */
  public interface Event {}

  /** An event that holds record batches (what a fetch reads back from the journal). */
  public interface DataEvent extends Event {
    byte[] batches();
  }

  /**
   * Compaction replaced the journal events holding offsets {@code [fromOffset, toOffset)} by this
   * one: the same records minus those a later record of the same key supersedes (and expired
   * tombstones), at their original offsets. Empty {@code batches} when nothing of the range remains.
   * The last event of a compaction pass is followed by a snapshot.
   */
  public record RecordsCompacted(long fromOffset, long toOffset, long baseOffset, long lastOffset, long maxTimestamp,
      byte[] batches, boolean lastOfPass) implements DataEvent {}

  /** Persist a compacted range; the reply comes when it is in the journal. */
  public record PersistCompacted(RecordsCompacted event, ActorRef<Persisted> replyTo) implements Command {}

  /**
   * The log start offset moved forward (retention or DeleteRecords): offsets before it are no
   * longer readable, and the journal events holding only such offsets are dropped from the index
   * (and deleted from the journal once a snapshot holds this event). A snapshot follows every one.
   */
  public record LogStartAdvanced(long logStartOffset) implements Event {}

  /**
   * One or more record batches, offsets assigned, written as one journal event.
   *
   * @param baseOffset offset of the first record
   * @param lastOffset offset of the last record
   * @param maxTimestamp the largest record timestamp
   * @param batches the Kafka record batches, back to back
   */
  public record RecordsAppended(long baseOffset, long lastOffset, long maxTimestamp, byte[] batches) implements DataEvent {}

  static final ThreadLocal<Long> PERSIST_START = new ThreadLocal<>();
  private final ActorContext<Command> ctx;
  private final ActorRef<Notice> listener;
  private final int snapshotEvery;

  public static Behavior<Command> create(PersistenceId persistenceId, ActorRef<Notice> listener, int snapshotEvery) {
    return Behaviors.setup(ctx -> new PartitionLog(ctx, persistenceId, listener, snapshotEvery));
  }

  private PartitionLog(ActorContext<Command> ctx, PersistenceId persistenceId, ActorRef<Notice> listener, int snapshotEvery) {
    // A failed journal write stops the log (the default); the parent fails what was in flight.
    super(persistenceId);
    this.ctx = ctx;
    this.listener = listener;
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public LogState emptyState() {
    return new LogState();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, LogState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Persist.class, this::onPersist)
        .onCommand(AdvanceStart.class, (state, cmd) -> persist(cmd.event(), cmd.replyTo()))
        .onCommand(PersistCompacted.class, (state, cmd) -> persist(cmd.event(), cmd.replyTo()))
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.ReplyEffect<Event, LogState> onPersist(LogState state, Persist cmd) {
    PERSIST_START.set(System.nanoTime());
    return persist(cmd.event(), cmd.replyTo());
  }

  private org.apache.pekko.persistence.typed.javadsl.ReplyEffect<Event, LogState> persist(Event event, ActorRef<Persisted> replyTo) {
    return Effect().persist(event).thenReply(replyTo, s -> new Persisted(s.lastSeqNr(), s.nextOffset()));
  }

  @Override
  public EventHandler<LogState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(RecordsAppended.class, LogState::applyAppended)
        .onEvent(LogStartAdvanced.class, LogState::applyStartAdvanced)
        .onEvent(RecordsCompacted.class, LogState::applyCompacted)
        .build();
  }

  @Override
  public boolean shouldSnapshot(LogState state, Event event, long sequenceNr) {
    return event instanceof LogStartAdvanced || (event instanceof RecordsCompacted c && c.lastOfPass());
  }

  @Override
  public SignalHandler<LogState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // The index names journal events by a count of the events applied; were a sequence number
          // missing or written twice, every later offset would map to the wrong event (reads from
          // the journal would return other records). Said loudly, since nothing else would show it.
          long journal = lastSequenceNumber(ctx);
          if (state.lastSeqNr() != journal) {
            ctx.getLog().error("Partition log {}: {} events applied but the journal's last sequence number is {}: "
                + "offsets map to the wrong journal events", persistenceId().id(), state.lastSeqNr(), journal);
          }
          listener.tell(new Recovered(state.copy()));
        })
        .onSignal(SnapshotCompleted.class, (state, done) -> listener.tell(new SnapshotSaved(done.metadata().sequenceNr())))
        .build();
  }

  @Override
  public SnapshotAdapter<LogState> snapshotAdapter() {
    // The state is mutable and the snapshot store serializes later, on its own thread: hand it a copy.
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(LogState state) {
        return state.copy();
      }

      @Override
      public LogState fromJournal(Object from) {
        return (LogState) from;
      }
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Events are the log itself: snapshots bound recovery time, they never delete events.
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }
}
