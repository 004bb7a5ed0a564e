package io.courant.log.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
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
 *
 * <p>An actor that stops gracefully (sharding hands it to another node, passivation, a singleton's
 * hand-over: the inner behavior finishes its writes first) gives its claim up, so that its next
 * owner claims at once instead of waiting for this node's lease, which never expires while the node
 * lives. One that failed keeps it (a write may still be in flight): a new owner elsewhere waits for
 * this node's lease to expire.
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
        Claims claims = new Claims(lease, persistenceId);
        claim(ctx, claims);
        return claiming(ctx, stash, timers, claims, commandClass, inner);
      }));
    }).narrow();
  }

  private record Claimed(boolean claimed, long epoch, Throwable failure) {}

  private record RetryClaim() {}

  /** One actor's claims on its persistence id: the latest one, and giving it up once stopped. */
  private static final class Claims {
    final NodeLease lease;
    final String persistenceId;
    CompletionStage<Boolean> latest = CompletableFuture.completedFuture(false);

    Claims(NodeLease lease, String persistenceId) {
      this.lease = lease;
      this.persistenceId = persistenceId;
    }

    /** Gives the claim up once the latest claim is answered (a claim that lands late is given up too). */
    void release() {
      latest.exceptionally(failure -> false).thenCompose(claimed -> lease.release(persistenceId));
    }
  }

  private static void claim(ActorContext<Object> ctx, Claims claims) {
    NodeLease lease = claims.lease;
    long epoch = lease.epoch();
    claims.latest = lease.claim(claims.persistenceId);
    ctx.pipeToSelf(claims.latest,
        (claimed, failure) -> new Claimed(Boolean.TRUE.equals(claimed) && lease.epoch() == epoch, epoch, failure));
  }

  @SuppressWarnings("unchecked")
  private static <T> Behavior<Object> claiming(ActorContext<Object> ctx, StashBuffer<Object> stash, TimerScheduler<Object> timers,
      Claims claims, Class<T> commandClass, Behavior<T> inner) {
    String persistenceId = claims.persistenceId;
    return Behaviors.receive(Object.class)
        .onMessage(Claimed.class, m -> {
          if (m.claimed()) {
            Behavior<Object> fenced = Behaviors.intercept(() -> new LeaseCheck(claims, m.epoch(), commandClass),
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
          claim(ctx, claims);
          return Behaviors.same();
        })
        .onSignal(PostStop.class, signal -> {
          claims.release();
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

  /**
   * Lets a command through only while the lease the actor was claimed under holds; gives the claim
   * up when the actor stops without having failed.
   */
  private static final class LeaseCheck extends BehaviorInterceptor<Object, Object> {
    private final Claims claims;
    private final long epoch;
    private final Class<?> commandClass;
    private boolean failed;

    LeaseCheck(Claims claims, long epoch, Class<?> commandClass) {
      super(Object.class);
      this.claims = claims;
      this.epoch = epoch;
      this.commandClass = commandClass;
    }

    @Override
    public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      // Only commands lead to writes; the persistence plugin's own replies pass.
      if (commandClass.isInstance(msg) && !claims.lease.holds(epoch)) {
        failed = true;
        throw new LeaseLapsedException(claims.persistenceId + ": this node's lease is not fresh enough to act on it (paused, or "
            + "cut off from Cassandra); dropped " + msg.getClass().getSimpleName() + ", claiming again");
      }
      try {
        return target.apply(ctx, msg);
      } catch (RuntimeException | Error e) {
        failed = true; // a journal failure, say: a write may still land, the claim stays
        throw e;
      }
    }

    @Override
    public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
      try {
        return target.apply(ctx, signal);
      } catch (RuntimeException | Error e) {
        failed = true;
        throw e;
      } finally {
        if (signal instanceof PostStop && !failed) {
          claims.release();
        }
      }
    }
  }

  /** A fenced actor's node lease is not fresh enough: it must claim again before acting. */
  public static final class LeaseLapsedException extends RuntimeException {
    LeaseLapsedException(String message) {
      super(message);
    }
  }
}
