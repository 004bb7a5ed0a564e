package io.courant.cassandra;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the node's Cassandra is, read once from {@code courant.cassandra}.
 *
 * @param contactPoints CQL endpoints as {@code "host:port"}; empty means dev mode: start the
 *     embedded Cassandra and connect to it
 * @param localDatacenter the data center the driver treats as local
 * @param keyspaceReplicationFactor the replication factor of keyspaces the node creates itself
 * @param embedded the embedded Cassandra, used when {@code contactPoints} is empty
 * @param deadSessionAfter how long the node's Cassandra session may fail every request while a new
 *     connection to Cassandra works, before the node leaves the cluster and exits; empty: never
 */
public record CassandraSettings(
    List<String> contactPoints,
    String localDatacenter,
    int keyspaceReplicationFactor,
    EmbeddedCassandraSettings embedded,
    Optional<Duration> deadSessionAfter) {

  /** Validates the values, naming the config key of a bad one. */
  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    for (String contactPoint : contactPoints) {
      int colon = contactPoint.lastIndexOf(':');
      if (colon < 1 || !contactPoint.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            "courant.cassandra.contact-points: expected \"host:port\", got \"" + contactPoint + "\"");
      }
    }
    if (keyspaceReplicationFactor < 1) {
      throw new IllegalArgumentException(
          "courant.cassandra.keyspace-replication-factor must be at least 1, was "
              + keyspaceReplicationFactor);
    }
    if (deadSessionAfter.isPresent() && deadSessionAfter.get().compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "courant.cassandra.dead-session-after must be off or at least 1s, was " + deadSessionAfter.get());
    }
  }

  /**
   * Reads {@code courant.cassandra}.
   *
   * @param courantCassandraConfig the {@code courant.cassandra} block
   */
  public static CassandraSettings create(Config courantCassandraConfig) {
    return new CassandraSettings(
        courantCassandraConfig.getStringList("contact-points"),
        courantCassandraConfig.getString("local-datacenter"),
        courantCassandraConfig.getInt("keyspace-replication-factor"),
        EmbeddedCassandraSettings.create(courantCassandraConfig),
        courantCassandraConfig.getString("dead-session-after").equals("off")
            ? Optional.empty()
            : Optional.of(courantCassandraConfig.getDuration("dead-session-after")));
  }

  /** Whether the node starts the embedded Cassandra (no contact points given). */
  public boolean startEmbedded() {
    return contactPoints.isEmpty();
  }
}
