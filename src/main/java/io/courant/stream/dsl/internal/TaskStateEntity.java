package io.courant.stream.dsl.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.courant.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The durable state of one streams task ({@code <application.id>:<sub-topology>_<partition>}): its
 * stores' entries, the next input offset per input partition, and its stream time. A store update
 * and the input offsets it consumed are persisted in one event ({@link Applied}), so a restarted
 * task resumes exactly after the last applied input. The owner token fences a task's previous
 * owner: once a new owner restored the state, the old owner's writes are rejected. Sharded, so
 * there is one writer in the cluster, and queries ({@link Scan}) reach it from any node.
 */
public final class TaskStateEntity
    extends EventSourcedBehaviorWithEnforcedReplies<TaskStateEntity.Command, TaskStateEntity.Event, TaskStateEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "CourantStreamsTask");

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String entityId) {
    return new TaskStateEntity(entityId);
  }

  public static String entityId(String applicationId, String taskId) {
    return applicationId + ":" + taskId; // "|" separates the entity type in persistence ids
  }

  private TaskStateEntity(String entityId) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  // ---- protocol

  public interface Command extends CborSerializable {}

  /** One store entry as persisted: a null value deletes. */
  public record StoreEntry(String store, byte[] key, byte[] value) implements CborSerializable {}

  /** Becomes the owner and reads the state back. */
  public record Restore(String owner, ActorRef<Restored> replyTo) implements Command {}

  public record Restored(Map<String, Long> offsets, long streamTime, List<StoreEntry> entries) implements CborSerializable {}

  /** Persists store changes with the input offsets (topic:partition -> next offset) they came from. */
  public record Apply(String owner, Map<String, Long> offsets, long streamTime, List<StoreEntry> changes,
      ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Entries of a store with keys from {@code from} to {@code to} (inclusive, null: unbounded), in key order. */
  public record Scan(String store, byte[] from, byte[] to, ActorRef<ScanResult> replyTo) implements Command {}

  public record ScanResult(List<StoreEntry> entries) implements CborSerializable {}

  public interface Event extends CborSerializable {}

  public record OwnerChanged(String owner) implements Event {}

  public record Applied(Map<String, Long> offsets, long streamTime, List<StoreEntry> changes) implements Event {}

  /** Mutable, inside the actor only; snapshots as a list of entries. */
  public static final class State implements CborSerializable {
    @JsonProperty("owner")
    String owner;
    @JsonProperty("offsets")
    final Map<String, Long> offsets;
    @JsonProperty("streamTime")
    long streamTime;
    @JsonIgnore
    final Map<String, TreeMap<Bytes, byte[]>> stores = new HashMap<>();

    @JsonCreator
    State(@JsonProperty("owner") String owner, @JsonProperty("offsets") Map<String, Long> offsets,
        @JsonProperty("streamTime") long streamTime, @JsonProperty("entries") List<StoreEntry> entries) {
      this.owner = owner;
      this.offsets = offsets == null ? new HashMap<>() : new HashMap<>(offsets);
      this.streamTime = streamTime;
      if (entries != null) {
        entries.forEach(this::apply);
      }
    }

    @JsonProperty("entries")
    List<StoreEntry> entries() {
      List<StoreEntry> out = new ArrayList<>();
      stores.forEach((store, map) -> map.forEach((k, v) -> out.add(new StoreEntry(store, k.get(), v))));
      return out;
    }

    void apply(StoreEntry e) {
      if (e.value() == null) {
        TreeMap<Bytes, byte[]> m = stores.get(e.store());
        if (m != null) {
          m.remove(new Bytes(e.key()));
        }
      } else {
        stores.computeIfAbsent(e.store(), s -> new TreeMap<>()).put(new Bytes(e.key()), e.value());
      }
    }

    State applied(Applied a) {
      offsets.putAll(a.offsets());
      streamTime = Math.max(streamTime, a.streamTime());
      a.changes().forEach(this::apply);
      return this;
    }

    State ownedBy(String newOwner) {
      owner = newOwner;
      return this;
    }

    List<StoreEntry> scan(String store, byte[] from, byte[] to) {
      NavigableMap<Bytes, byte[]> m = stores.getOrDefault(store, new TreeMap<>());
      if (from != null && to != null) {
        if (new Bytes(from).compareTo(new Bytes(to)) > 0) {
          return List.of();
        }
        m = m.subMap(new Bytes(from), true, new Bytes(to), true);
      } else if (from != null) {
        m = m.tailMap(new Bytes(from), true);
      } else if (to != null) {
        m = m.headMap(new Bytes(to), true);
      }
      List<StoreEntry> out = new ArrayList<>(m.size());
      m.forEach((k, v) -> out.add(new StoreEntry(store, k.get(), v)));
      return out;
    }
  }

  @Override
  public State emptyState() {
    return new State(null, Map.of(), -1, List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // a snapshot every 200 batches bounds recovery; older events and snapshots are deleted
    return RetentionCriteria.snapshotEvery(200, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Restore.class, this::onRestore)
        .onCommand(Apply.class, this::onApply)
        .onCommand(Scan.class, this::onScan)
        .build();
  }

  private ReplyEffect<Event, State> onRestore(State state, Restore cmd) {
    return Effect().persist(new OwnerChanged(cmd.owner()))
        .thenReply(cmd.replyTo(), s -> new Restored(Map.copyOf(s.offsets), s.streamTime, s.entries()));
  }

  private ReplyEffect<Event, State> onApply(State state, Apply cmd) {
    if (!cmd.owner().equals(state.owner)) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("task state is owned by " + state.owner + " now, not by " + cmd.owner()
          + ": this instance lost the task in a rebalance"));
    }
    return Effect().persist(new Applied(cmd.offsets(), cmd.streamTime(), cmd.changes()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onScan(State state, Scan cmd) {
    return Effect().reply(cmd.replyTo(), new ScanResult(state.scan(cmd.store(), cmd.from(), cmd.to())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OwnerChanged.class, (state, e) -> state.ownedBy(e.owner()))
        .onEvent(Applied.class, State::applied)
        .build();
  }
}
