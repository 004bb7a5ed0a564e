package io.courant.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.CassandraConfig;
import io.courant.cassandra.CassandraSettings;
import io.courant.cassandra.CassandraStartException;
import io.courant.cassandra.EmbeddedCassandra;
import io.courant.cassandra.SessionWatchdog;
import io.courant.client.Courant;
import io.courant.kafka.KafkaListener;
import io.courant.kafka.KafkaSettings;
import io.courant.http.HttpServer;
import io.courant.http.HttpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * A Courant node: Cassandra (embedded in dev mode), the actor system joined to its cluster, the
 * partition shards and topic controller, and the HTTP server. {@code bin/courant start} runs it.
 */
public final class CourantNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final EmbeddedCassandra embedded;
  private final ServerBinding http;
  private final KafkaListener kafka;
  private final List<String> cassandraContactPoints;

  private CourantNode(ActorSystem<Void> system, EmbeddedCassandra embedded, ServerBinding http, KafkaListener kafka,
      List<String> cassandraContactPoints) {
    this.system = system;
    this.embedded = embedded;
    this.http = http;
    this.kafka = kafka;
    this.cassandraContactPoints = cassandraContactPoints;
  }

  public static void main(String[] args) {
    CourantNode node;
    try {
      node = start(ConfigFactory.load());
    } catch (NodeConfig.InvalidConfigException e) {
      System.err.println("Courant cannot start with this " + e.getMessage());
      System.exit(2);
      return;
    } catch (CassandraStartException e) {
      System.err.println("Courant could not start its embedded Cassandra: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "courant-shutdown"));
    node.system.getWhenTerminated().toCompletableFuture().join();
    if (SessionWatchdog.tookOut(node.system)) {
      System.exit(SessionWatchdog.EXIT_STATUS); // a supervisor starts it again, with a new session
    }
  }

  /**
   * Starts a node with this configuration (Cassandra first, unless contact points are given).
   *
   * @throws NodeConfig.InvalidConfigException before starting anything, if a setting is wrong
   */
  public static CourantNode start(Config config) {
    NodeConfig.validate(config);
    CassandraSettings cassandra = CassandraSettings.create(config.getConfig("courant.cassandra"));
    EmbeddedCassandra embedded = null;
    List<String> contactPoints = cassandra.contactPoints();
    if (cassandra.startEmbedded()) {
      embedded = EmbeddedCassandra.start(cassandra.embedded(), home());
      contactPoints = List.of(embedded.contactPoint());
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "courant",
        CassandraConfig.connect(config, contactPoints, cassandra));
    Cluster cluster = Cluster.get(system);
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    Courant.get(system);
    HttpSettings httpSettings = HttpSettings.create(config.getConfig("courant.http"));
    String iface = httpSettings.iface();
    ServerBinding binding = HttpServer.start(system, httpSettings).toCompletableFuture().join();
    int port = binding.localAddress().getPort(); // the port bound (the setting may be 0)
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    KafkaSettings kafkaSettings = KafkaSettings.create(config.getConfig("courant.kafka"));
    KafkaListener kafka = kafkaSettings.enabled() ? KafkaListener.start(system, kafkaSettings) : null;
    EmbeddedCassandra cassandraProcess = embedded;
    if (cassandraProcess != null) {
      // Cassandra stops last, once the journal's connections are closed.
      system.getWhenTerminated().thenRun(cassandraProcess::close);
    }
    String kafkaAddress = kafka == null ? "off" : kafkaSettings.iface() + ":" + kafka.port();
    system.log().info("Courant node up: HTTP {}:{}, Kafka {}, cluster {}, Cassandra {}{}", iface, port, kafkaAddress,
        cluster.selfMember().address(), String.join(",", contactPoints),
        embedded == null ? "" : " (embedded, data in " + embedded.dataDirectory() + ", log " + embedded.logFile() + ")");
    System.out.println("Courant node ready: http://" + iface + ":" + port + "/ready, Kafka clients at " + kafkaAddress
        + "  (Ctrl-C stops it)");
    return new CourantNode(system, embedded, binding, kafka, contactPoints);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The Cassandra the node uses ("host:port"; the embedded one in dev mode). */
  public List<String> cassandraContactPoints() {
    return cassandraContactPoints;
  }

  public int httpPort() {
    return http.localAddress().getPort();
  }

  /** The port Kafka clients connect to, or -1 when the listener is off ({@code courant.kafka.enabled}). */
  public int kafkaPort() {
    return kafka == null ? -1 : kafka.port();
  }

  /** Stops the node, then its embedded Cassandra. */
  @Override
  public void close() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      system.log().warn("Actor system did not terminate in 30 s", e);
    }
    if (embedded != null) {
      embedded.close();
    }
  }

  private static Path home() {
    return Path.of(System.getProperty("courant.home", ".")).toAbsolutePath().normalize();
  }
}
