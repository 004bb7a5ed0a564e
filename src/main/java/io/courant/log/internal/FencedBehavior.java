package io.courant.log.internal;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Fences a persistent actor other than a partition (a group coordinator, the topic controller) the
 * way partitions are fenced ({@link NodeLease}): it starts only once this node has claimed its
 * persistence id (a previous owner's lease has run out, so that owner can no longer write), and it
 * handles a command only while the lease it claimed under holds. When the lease is not fresh enough
 * the command is dropped (the asker times out and retries, as Kafka clients do) and the actor fails
 * with {@link LeaseLapsedException}: a sharded entity stops and the next command starts it again, a
 * supervised singleton restarts; either way it claims again before acting.
 *
 * <p>The check happens when a command arrives, before the actor's command handler persists
 * anything; the lease's safety margin covers the time between the check and the journal write.
 */
public final class FencedBehavior {
  private static final int STASH_CAPACITY = 10_000;
  private static final Duration RETRY_CLAIM = Duration.ofMillis(500);

  private FencedBehavior() {}

  /** {@code inner} fenced under {@code persistenceId}; {@code inner} itself when fencing is off. */
  @SuppressWarnings("unchecked")
  public static <T> Behavior<T> of(Class<T> commandClass, String persistenceId, Behavior<T> inner) {
    return Behaviors.<Object>setup(ctx -> {
      NodeLease lease = NodeLease.get(ctx.getSystem());
      if (!lease.enabled()) {
        return (Behavior<Object>) (Behavior<?>) inner;
      }
      return Behaviors.<Object>withStash(STASH_CAPACITY, stash -> Behaviors.withTimers(timers -> {
        claim(ctx, lease, persistenceId);
        return claiming(ctx, stash, timers, lease, commandClass, persistenceId, inner);
      }));
    }).narrow();
  }

  private record Claimed(boolean claimed, long epoch, Throwable failure) {}

  private record RetryClaim() {}

  private static void claim(ActorContext<Object> ctx, NodeLease lease, String persistenceId) {
    long epoch = lease.epoch();
    ctx.pipeToSelf(lease.claim(persistenceId),
        (claimed, failure) -> new Claimed(Boolean.TRUE.equals(claimed) && lease.epoch() == epoch, epoch, failure));
  }

  @SuppressWarnings("unchecked")
  private static <T> Behavior<Object> claiming(ActorContext<Object> ctx, StashBuffer<Object> stash, TimerScheduler<Object> timers,
      NodeLease lease, Class<T> commandClass, String persistenceId, Behavior<T> inner) {
    return Behaviors.receive(Object.class)
        .onMessage(Claimed.class, m -> {
          if (m.claimed()) {
            Behavior<Object> fenced = Behaviors.intercept(() -> new LeaseCheck(lease, m.epoch(), commandClass, persistenceId),
                (Behavior<Object>) (Behavior<?>) inner);
            return stash.unstashAll(fenced);
          }
          if (m.failure() != null) {
            ctx.getLog().warn("{}: claiming it for this node failed, retrying: {}", persistenceId, m.failure().toString());
          }
          timers.startSingleTimer(new RetryClaim(), RETRY_CLAIM);
          return Behaviors.same();
        })
        .onMessage(RetryClaim.class, m -> {
          claim(ctx, lease, persistenceId);
          return Behaviors.same();
        })
        .onAnyMessage(m -> {
          if (commandClass.isInstance(m) && !stash.isFull()) {
            stash.stash(m);
          } else {
            ctx.getLog().warn("{}: starting, too many waiting commands; dropped one", persistenceId);
          }
          return Behaviors.same();
        })
        .build();
  }

  /** Lets a command through only while the lease the actor was claimed under holds. */
  private static final class LeaseCheck extends BehaviorInterceptor<Object, Object> {
    private final NodeLease lease;
    private final long epoch;
    private final Class<?> commandClass;
    private final String persistenceId;

    LeaseCheck(NodeLease lease, long epoch, Class<?> commandClass, String persistenceId) {
      super(Object.class);
      this.lease = lease;
      this.epoch = epoch;
      this.commandClass = commandClass;
      this.persistenceId = persistenceId;
    }

    @Override
    public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      // Only commands lead to writes; the persistence plugin's own replies pass.
      if (!commandClass.isInstance(msg) || lease.holds(epoch)) {
        return target.apply(ctx, msg);
      }
      throw new LeaseLapsedException(persistenceId + ": this node's lease is not fresh enough to act on it (paused, or cut "
          + "off from Cassandra); dropped " + msg.getClass().getSimpleName() + ", claiming again");
    }
  }

  /** A fenced actor's node lease is not fresh enough: it must claim again before acting. */
  public static final class LeaseLapsedException extends RuntimeException {
    LeaseLapsedException(String message) {
      super(message);
    }
  }
}
