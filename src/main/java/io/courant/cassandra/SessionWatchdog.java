package io.courant.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;

/**
 * Takes a node out when its Cassandra session no longer works while Cassandra does
 * ({@code courant.cassandra.dead-session-after}).
 *
 * <p>The node's lease renewals (every second, on the session the journal uses) tell the watchdog
 * when they fail and when they succeed. Once they have failed for {@code dead-session-after}, the
 * watchdog opens a new session with the same driver settings and reads the lease row through it,
 * at the consistency the renewals use. If that works, and still works {@link #CONFIRM_AFTER} later
 * with no renewal succeeding in between (a session reconnecting after Cassandra came back needs a
 * few seconds that a new one does not), the node's own session is the problem (its driver stopped
 * reconnecting, say): a node in that state cannot write, and Cluster Sharding would keep its
 * partitions there forever. The watchdog logs why and runs coordinated shutdown with
 * {@link #DEAD_SESSION}: the node leaves the cluster, its partitions start on other nodes, and
 * {@code bin/courant start} exits with status {@value #EXIT_STATUS} for a supervisor to restart it.
 * If the new session fails too, Cassandra itself is unreachable; the node waits for it (the
 * renewals resume by themselves) and probes again after another {@code dead-session-after}.
 */
public final class SessionWatchdog {
  /** The exit status of a node taken out because its session died (EX_TEMPFAIL: try again). */
  public static final int EXIT_STATUS = 75;

  /** The coordinated-shutdown reason of a node whose Cassandra session died. */
  public static final CoordinatedShutdown.Reason DEAD_SESSION = new CoordinatedShutdown.Reason() {
    @Override
    public String toString() {
      return "CassandraSessionDead";
    }
  };

  /** How long after a first successful probe the session must still fail before the node is taken out. */
  static final Duration CONFIRM_AFTER = Duration.ofSeconds(15);

  private final ActorSystem<?> system;
  private final Optional<Duration> after;
  private final SimpleStatement probe;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long failingSince = -1;
  private volatile long nextProbe;
  /** When a new session last worked while this one failed (-1: not since the last success). */
  private volatile long probeWorkedAt = -1;

  /**
   * @param probe the read the new session makes: what the watched requests need from Cassandra
   *     (the lease row, at the renewals' consistency)
   */
  public SessionWatchdog(ActorSystem<?> system, Optional<Duration> after, SimpleStatement probe) {
    this.system = system;
    this.after = after;
    this.probe = probe;
  }

  /** A watched request succeeded: the session works. */
  public void succeeded() {
    failingSince = -1;
    probeWorkedAt = -1;
  }

  /** A watched request failed; probes Cassandra with a new session once they have failed for long enough. */
  public void failed() {
    if (after.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (failingSince < 0) {
      failingSince = now;
      nextProbe = now + after.get().toNanos();
      return;
    }
    if (now - nextProbe < 0 || !probing.compareAndSet(false, true)) {
      return;
    }
    Duration failingFor = Duration.ofNanos(now - failingSince);
    probeWithNewSession().whenComplete((ok, failure) -> {
      probing.set(false);
      long done = System.nanoTime();
      if (failingSince < 0) {
        return; // the session came back while the probe ran
      }
      if (failure != null) {
        probeWorkedAt = -1;
        nextProbe = done + after.get().toNanos();
        system.log().warn("Lease renewals have failed for {}, and a new connection to Cassandra fails too ({}): "
            + "waiting for Cassandra", failingFor, failure.toString());
      } else if (probeWorkedAt < 0) {
        probeWorkedAt = done;
        nextProbe = done + CONFIRM_AFTER.toNanos();
        system.log().warn("Lease renewals have failed for {} while a new connection to Cassandra works: if they still "
            + "fail in {}, this node leaves the cluster", failingFor, CONFIRM_AFTER);
      } else {
        system.log().error("This node's Cassandra session has failed every lease renewal for {}, while a new connection to "
            + "the same Cassandra works: the session no longer works. Leaving the cluster (its partitions move to other "
            + "nodes) and exiting with status {}; start the node again.", failingFor, EXIT_STATUS);
        CoordinatedShutdown.get(system).runAll(DEAD_SESSION);
      }
    });
  }

  /** Whether this system is shutting down because its session died. */
  public static boolean tookOut(ActorSystem<?> system) {
    return CoordinatedShutdown.get(system).getShutdownReason().filter(DEAD_SESSION::equals).isPresent();
  }

  private CompletionStage<Void> probeWithNewSession() {
    try {
      return CqlSession.builder()
          .withConfigLoader(new DriverConfigLoaderFromConfig(system.settings().config().getConfig("datastax-java-driver")
              // fail at once when Cassandra is away, instead of waiting for it as the node's own session does
              .withValue("advanced.reconnect-on-init", com.typesafe.config.ConfigValueFactory.fromAnyRef(false))))
          .buildAsync()
          .thenCompose(s -> s.executeAsync(probe).handle((rows, failure) -> {
            s.closeAsync();
            if (failure != null) {
              throw new java.util.concurrent.CompletionException(failure);
            }
            return null;
          }));
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }
}
