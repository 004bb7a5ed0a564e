package io.courant.cassandra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;

/** Points the persistence plugin and the driver at a Cassandra, from Courant's own settings. */
public final class CassandraConfig {
  private CassandraConfig() {}

  /** {@code base} with the driver's contact points, local data center and the keyspaces' replication. */
  public static Config connect(Config base, List<String> contactPoints, CassandraSettings settings) {
    return ConfigFactory.parseMap(Map.of(
            "datastax-java-driver.basic.contact-points", contactPoints,
            "datastax-java-driver.basic.load-balancing-policy.local-datacenter", settings.localDatacenter(),
            "pekko.persistence.cassandra.journal.replication-factor", settings.keyspaceReplicationFactor(),
            "pekko.persistence.cassandra.snapshot.replication-factor", settings.keyspaceReplicationFactor()))
        .withFallback(base);
  }
}
