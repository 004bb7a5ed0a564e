package io.courant.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.CassandraConfig;
import io.courant.cassandra.CassandraSettings;
import io.courant.client.Courant;
import io.courant.client.CourantException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A single-node Courant cluster in the test JVM, on the test run's Cassandra ({@link
 * TestCassandra}). Each instance is a new actor system; the data stays in Cassandra, so a second
 * instance sees what the first one wrote (a node restart).
 */
public final class TestNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Courant courant;

  private TestNode(ActorSystem<Void> system) {
    this.system = system;
    this.courant = Courant.get(system);
  }

  public static TestNode start() {
    return start(ConfigFactory.empty());
  }

  /** A node with these settings over the defaults. */
  public static TestNode start(Config overrides) {
    return start(overrides, TestCassandra.contactPoint());
  }

  /** A node with these settings over the defaults, on the Cassandra at {@code cassandraContactPoint} ("host:port"). */
  public static TestNode start(Config overrides, String cassandraContactPoint) {
    return start(overrides, cassandraContactPoint, null);
  }

  /** A node that joins {@code other}'s cluster (a second node in this JVM, on the same Cassandra). */
  public static TestNode joining(TestNode other, Config overrides) {
    return start(overrides, TestCassandra.contactPoint(), Cluster.get(other.system()).selfMember().address());
  }

  private static TestNode start(Config overrides, String cassandraContactPoint, org.apache.pekko.actor.Address seed) {
    Config base = overrides.withFallback(ConfigFactory.load());
    CassandraSettings cassandra = CassandraSettings.create(base.getConfig("courant.cassandra"));
    Config config = CassandraConfig.connect(base, List.of(cassandraContactPoint), cassandra);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "courant", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(seed == null ? cluster.selfMember().address() : seed));
    try {
      Await.until("the test node becoming Up", Duration.ofSeconds(30), () -> cluster.selfMember().status() == MemberStatus.up());
    } catch (AssertionError e) {
      system.terminate();
      throw e;
    }
    return new TestNode(system);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Courant courant() {
    return courant;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the test node did not stop in 30 s", e);
    }
  }

  /** A topic name no other test uses. */
  public static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The stage's value, failing the test if it does not complete in 60 s. */
  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Courant error the stage failed with, of the expected type. */
  public static <E extends CourantException> E failure(Class<E> expected, CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return assertInstanceOf(expected, cause, () -> "failed with " + e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return fail("expected " + expected.getSimpleName() + " but the stage succeeded");
  }
}
