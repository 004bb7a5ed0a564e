package io.courant.log.internal;

import io.courant.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The persistent half of a partition: the event-sourced actor whose journal (in Cassandra) holds
 * the log. Its only writer is its parent, {@link PartitionBehavior}, which validates appends,
 * assigns offsets and gathers them into one {@link RecordsAppended} per journal write. On recovery
 * it hands the parent a copy of the recovered state.
 */
public final class PartitionLog
    extends EventSourcedBehaviorWithEnforcedReplies<PartitionLog.Command, PartitionLog.Event, LogState> {

  /** Messages the log accepts (from its parent only). */
  public interface Command extends CborSerializable {}

  /** Persist one event; the reply comes when it is in the journal. */
  public record Persist(RecordsAppended event, ActorRef<Persisted> replyTo) implements Command {}

  /**
   * @param seqNr the journal sequence number of the event
   * @param nextOffset the log end offset after it
   */
  public record Persisted(long seqNr, long nextOffset) implements CborSerializable {}

  /** Sent to the parent once recovery is complete. */
  public record Recovered(LogState state) {}

  /** Events of the log. */
  public interface Event {}

  /**
   * One or more record batches, offsets assigned, written as one journal event.
   *
   * @param baseOffset offset of the first record
   * @param lastOffset offset of the last record
   * @param maxTimestamp the largest record timestamp
   * @param batches the Kafka record batches, back to back
   */
  public record RecordsAppended(long baseOffset, long lastOffset, long maxTimestamp, byte[] batches) implements Event {}

  static final ThreadLocal<Long> PERSIST_START = new ThreadLocal<>();
  private final ActorRef<Recovered> recoveryListener;
  private final int snapshotEvery;

  public static Behavior<Command> create(PersistenceId persistenceId, ActorRef<Recovered> recoveryListener, int snapshotEvery) {
    return new PartitionLog(persistenceId, recoveryListener, snapshotEvery);
  }

  private PartitionLog(PersistenceId persistenceId, ActorRef<Recovered> recoveryListener, int snapshotEvery) {
    // A failed journal write stops the log (the default); the parent fails what was in flight.
    super(persistenceId);
    this.recoveryListener = recoveryListener;
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public LogState emptyState() {
    return new LogState();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, LogState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState().onCommand(Persist.class, this::onPersist).build();
  }

  private org.apache.pekko.persistence.typed.javadsl.ReplyEffect<Event, LogState> onPersist(LogState state, Persist cmd) {
    PERSIST_START.set(System.nanoTime());
    return Effect().persist(cmd.event()).thenReply(cmd.replyTo(), s -> new Persisted(s.lastSeqNr(), s.nextOffset()));
  }

  @Override
  public EventHandler<LogState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(RecordsAppended.class, LogState::applyAppended).build();
  }

  @Override
  public SignalHandler<LogState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> recoveryListener.tell(new Recovered(state.copy())))
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
