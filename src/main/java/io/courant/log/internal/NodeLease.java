package io.courant.log.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;

/**
 * Fencing of partition writers through Cassandra, so that two live incarnations of one partition
 * (a node paused past its downing, a wrong downing decision) never both write.
 *
 * <p>Every node keeps a lease: a row in {@code node_leases} written with a TTL and renewed well
 * before it expires. A partition writes to the journal only while its node's last confirmed renewal
 * is younger than {@code ttl - safety-margin} (measured on the node's monotonic clock from when the
 * renewal was sent, so a paused node's own clock tells it the lease has lapsed). A partition starting
 * on a node first claims it in {@code partition_owners} with a lightweight transaction; if another
 * node owned it, it waits until that node's lease row has expired (that node can no longer write)
 * and only then recovers its log from the journal.
 *
 * <p>A lease that ran out is never revived for the partitions that held it: renewing after a gap of
 * a whole TTL (the node was paused or cut off) starts a new lease epoch, and a partition writes only
 * under the epoch it was claimed in. Its partitions stop and must be claimed again.
 */
public final class NodeLease implements Extension {
  private static final ExtensionId<NodeLease> ID = new ExtensionId<>() {
    @Override
    public NodeLease createExtension(ActorSystem<?> system) {
      return new NodeLease(system);
    }
  };

  public static NodeLease get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private final ActorSystem<?> system;
  private final boolean enabled;
  private final Duration ttl;
  private final Duration safetyMargin;
  private final String keyspace;
  private final String nodeId;
  private final CompletionStage<CqlSession> session;
  private final AtomicLong confirmedSendNanos = new AtomicLong(System.nanoTime() - Duration.ofDays(1).toNanos());
  private volatile long epoch;
  private volatile boolean failing;
  private final io.courant.cassandra.SessionWatchdog watchdog;

  /**
   * Checks {@code courant.log.fencing}; returns {@code renew-every}.
   *
   * @throws IllegalArgumentException naming the keys, when the lease could lapse between renewals
   */
  public static Duration validate(Config fencing) {
    Duration ttl = fencing.getDuration("lease-ttl");
    Duration safetyMargin = fencing.getDuration("safety-margin");
    Duration renewEvery = fencing.getDuration("renew-every");
    if (renewEvery.isNegative() || renewEvery.isZero() || safetyMargin.isNegative()) {
      throw new IllegalArgumentException("courant.log.fencing: renew-every must be positive and safety-margin >= 0, not "
          + renewEvery + " and " + safetyMargin);
    }
    if (fencing.getBoolean("enabled") && renewEvery.plus(safetyMargin).compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("courant.log.fencing: renew-every (" + renewEvery + ") + safety-margin (" + safetyMargin
          + ") must be less than lease-ttl (" + ttl + ")");
    }
    return renewEvery;
  }

  private NodeLease(ActorSystem<?> system) {
    this.system = system;
    Config config = system.settings().config().getConfig("courant.log.fencing");
    this.enabled = config.getBoolean("enabled");
    this.ttl = config.getDuration("lease-ttl");
    this.safetyMargin = config.getDuration("safety-margin");
    Duration renewEvery = validate(config);
    Config journal = system.settings().config().getConfig("pekko.persistence.cassandra.journal");
    this.keyspace = journal.getString("keyspace");
    var self = Cluster.get(system).selfMember().uniqueAddress();
    this.nodeId = self.address() + "#" + self.longUid();
    this.watchdog = new io.courant.cassandra.SessionWatchdog(system,
        io.courant.cassandra.CassandraSettings.create(system.settings().config().getConfig("courant.cassandra")).deadSessionAfter(),
        SimpleStatement.newInstance("SELECT node FROM " + keyspace + ".node_leases WHERE node = ?", nodeId));
    if (!enabled) {
      this.session = CompletableFuture.failedFuture(new IllegalStateException("fencing is off"));
      return;
    }
    // The persistence plugins share one session, made by whoever asks first with its own init: take
    // it from the plugin (the read journal, made synchronously), so that the plugin's init creates the
    // journal and snapshot keyspaces even when a lease is needed before any journal or snapshot access.
    CompletionStage<CqlSession> underlying = PersistenceQuery.get(system)
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier()).session().underlying();
    this.session = journal.getBoolean("tables-autocreate") ? underlying.thenCompose(s -> createTables(s, journal)) : underlying;
    var renewals = system.scheduler().scheduleWithFixedDelay(Duration.ZERO, renewEvery, this::renew, system.executionContext());
    // A node that stops gracefully has handed its partitions over: it gives its lease up, so that
    // the partitions start elsewhere without waiting for the lease to expire.
    org.apache.pekko.actor.CoordinatedShutdown.get(system).addTask(org.apache.pekko.actor.CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "release-node-lease", () -> {
          renewals.cancel();
          confirmedSendNanos.set(System.nanoTime() - Duration.ofDays(1).toNanos());
          return session.thenCompose(s -> s.executeAsync(SimpleStatement.newInstance(
                  "DELETE FROM " + keyspace + ".node_leases WHERE node = ?", nodeId)))
              .handle((ok, failure) -> org.apache.pekko.Done.getInstance());
        });
  }

  private CompletionStage<CqlSession> createTables(CqlSession s, Config journal) {
    CompletionStage<?> keyspaceReady = journal.getBoolean("keyspace-autocreate")
        ? s.executeAsync("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = {'class': 'SimpleStrategy', "
            + "'replication_factor': " + journal.getInt("replication-factor") + "}")
        : CompletableFuture.completedFuture(null);
    return keyspaceReady
        .thenCompose(x -> s.executeAsync(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace
            + ".node_leases (node text PRIMARY KEY)").setTimeout(Duration.ofSeconds(30))))
        .thenCompose(x -> s.executeAsync(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace
            + ".partition_owners (persistence_id text PRIMARY KEY, owner text)").setTimeout(Duration.ofSeconds(30))))
        .thenApply(x -> s);
  }

  private synchronized void renew() {
    long sent = System.nanoTime();
    if (sent - confirmedSendNanos.get() >= ttl.toNanos()) {
      epoch++; // the lease ran out (or never was): whatever was claimed under it is lost
    }
    session.thenCompose(s -> s.executeAsync(SimpleStatement.newInstance(
            "INSERT INTO " + keyspace + ".node_leases (node) VALUES (?) USING TTL ?", nodeId, (int) Math.max(1, ttl.toSeconds()))))
        .whenComplete((ok, failure) -> {
          if (failure == null) {
            watchdog.succeeded();
            confirmedSendNanos.accumulateAndGet(sent, Math::max);
            if (failing) {
              failing = false;
              system.log().info("This node's lease is renewed again");
            }
          } else {
            watchdog.failed();
            if (!failing) {
              failing = true; // said once per outage, not every second
              system.log().warn("Renewing this node's lease failed (partitions stop writing {} after the last renewal): {}",
                  ttl.minus(safetyMargin), failure.toString());
            }
          }
        });
  }

  /** This node's id in the lease tables: its address and incarnation. */
  public String nodeId() {
    return nodeId;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The current lease epoch: a partition records it when it claims, and writes only under it. */
  public long epoch() {
    return epoch;
  }

  /** Whether this node may write now: its lease was confirmed less than {@code ttl - safety-margin} ago. */
  public boolean holds() {
    return !enabled || System.nanoTime() - confirmedSendNanos.get() < ttl.minus(safetyMargin).toNanos();
  }

  /** Whether a partition claimed under {@code claimedEpoch} may write now. */
  public boolean holds(long claimedEpoch) {
    return !enabled || (claimedEpoch == epoch && holds());
  }

  /** Whether the lease a partition claimed under has run out: another node may own it now. */
  public boolean lapsed(long claimedEpoch) {
    return enabled && (claimedEpoch != epoch || System.nanoTime() - confirmedSendNanos.get() >= ttl.toNanos());
  }

  /**
   * Gives up this node's claim on a persistence id, so that another node claims it at once instead
   * of waiting for this node's lease to expire (which never happens while this node lives). Only
   * for an actor that stopped gracefully: nothing it handed to the journal is still in flight.
   * Completes with whether a claim of this node was removed; a failure leaves the claim in place.
   */
  public CompletionStage<Boolean> release(String persistenceId) {
    if (!enabled) {
      return CompletableFuture.completedFuture(false);
    }
    return session.thenCompose(s -> s.executeAsync(SimpleStatement.newInstance(
            "DELETE FROM " + keyspace + ".partition_owners WHERE persistence_id = ? IF owner = ?", persistenceId, nodeId)))
        .thenApply(r -> r.wasApplied());
  }

  /**
   * Claims a partition for this node. Completes with true once claimed, false when another node
   * whose lease is still alive owns it (try again later).
   */
  public CompletionStage<Boolean> claim(String persistenceId) {
    if (!enabled) {
      return CompletableFuture.completedFuture(true);
    }
    return session.thenCompose(s -> s.executeAsync(SimpleStatement.newInstance(
            "SELECT owner FROM " + keyspace + ".partition_owners WHERE persistence_id = ?", persistenceId))
        .thenCompose(rows -> {
          var row = rows.one();
          Optional<String> previous = row == null ? Optional.empty() : Optional.ofNullable(row.getString("owner"));
          if (previous.isPresent() && previous.get().equals(nodeId)) {
            // Claimed by this node before; still this node's unless its lease ran out meanwhile
            // (then another node may have claimed it and given it back: the row says so).
            return CompletableFuture.completedFuture(holds());
          }
          CompletionStage<Boolean> previousGone = previous.isEmpty() ? CompletableFuture.completedFuture(true)
              : s.executeAsync(SimpleStatement.newInstance("SELECT node FROM " + keyspace + ".node_leases WHERE node = ?",
                  previous.get())).thenApply(r -> r.one() == null);
          return previousGone.thenCompose(gone -> {
            if (!gone || !holds()) {
              return CompletableFuture.completedFuture(false);
            }
            SimpleStatement claim = previous.isEmpty()
                ? SimpleStatement.newInstance("INSERT INTO " + keyspace + ".partition_owners (persistence_id, owner) VALUES (?, ?) "
                    + "IF NOT EXISTS", persistenceId, nodeId)
                : SimpleStatement.newInstance("UPDATE " + keyspace + ".partition_owners SET owner = ? WHERE persistence_id = ? "
                    + "IF owner = ?", nodeId, persistenceId, previous.get());
            return s.executeAsync(claim).thenApply(r -> r.wasApplied());
          });
        }));
  }
}
