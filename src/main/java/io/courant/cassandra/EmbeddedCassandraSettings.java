package io.courant.cassandra;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the embedded Cassandra of dev mode and tests, read once from {@code
 * courant.cassandra.embedded}.
 *
 * @param dataDirectory data, commit log and logs; a relative path is resolved against the Courant
 *     home
 * @param listenAddress the address Cassandra listens on (CQL and internode)
 * @param cqlPort the CQL (native transport) port
 * @param storagePort the internode port
 * @param heapBytes the maximum heap of the Cassandra JVM
 * @param startTimeout how long to wait for Cassandra to accept CQL connections
 * @param javaHome the JDK that runs Cassandra
 */
public record EmbeddedCassandraSettings(
    Path dataDirectory,
    String listenAddress,
    int cqlPort,
    int storagePort,
    long heapBytes,
    Duration startTimeout,
    Path javaHome) {

  /** The smallest heap accepted. */
  public static final long MIN_HEAP_BYTES = 512L << 20;

  /** Validates the values, naming the config key of a bad one. */
  public EmbeddedCassandraSettings {
    checkPort("cql-port", cqlPort);
    checkPort("storage-port", storagePort);
    if (cqlPort == storagePort) {
      throw new IllegalArgumentException(
          "courant.cassandra.embedded.cql-port and storage-port must differ, both are " + cqlPort);
    }
    if (heapBytes < MIN_HEAP_BYTES) {
      throw new IllegalArgumentException(
          "courant.cassandra.embedded.heap must be at least 512m, was " + heapBytes + " bytes");
    }
  }

  /**
   * Reads the {@code embedded} block of {@code courant.cassandra}.
   *
   * @param courantCassandraConfig the {@code courant.cassandra} block
   */
  public static EmbeddedCassandraSettings create(Config courantCassandraConfig) {
    Config c = courantCassandraConfig.getConfig("embedded");
    String javaHome = c.getString("java-home");
    return new EmbeddedCassandraSettings(
        Path.of(c.getString("data-directory")),
        c.getString("listen-address"),
        c.getInt("cql-port"),
        c.getInt("storage-port"),
        c.getBytes("heap"),
        c.getDuration("start-timeout"),
        javaHome.isBlank() ? Path.of(System.getProperty("java.home")) : Path.of(javaHome));
  }

  private static void checkPort(String key, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "courant.cassandra.embedded." + key + " is not a TCP port: " + port);
    }
  }
}
