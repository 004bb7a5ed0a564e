package io.courant.kafka;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the Kafka wire protocol listener, read once from {@code courant.kafka}.
 *
 * @param enabled whether the node listens for Kafka clients
 * @param iface the address the listener binds to
 * @param port the port it binds to (0 = a free one)
 * @param advertisedHost the host clients are told to connect to ("" = {@code iface})
 * @param advertisedPort the port clients are told to connect to (0 = the bound port)
 * @param nodeId this node's broker id in Kafka's metadata; {@link #AUTO_NODE_ID} = derived from the
 *     node's cluster address (the same on every node, and across restarts at that address)
 * @param clusterId the cluster id clients see
 * @param maxFrameBytes the largest request accepted; a larger one closes the connection
 * @param maxInFlightPerConnection requests of one connection processed at the same time
 * @param autoCreateTopics whether Metadata creates missing topics when the client allows it
 * @param leaderRefresh how long a node's view of which node hosts each partition is used before it
 *     is read again from Cluster Sharding
 * @param requestTimeout how long a request waits for Courant's answer (JoinGroup: on top of the
 *     rebalance timeout)
 */
public record KafkaSettings(
    boolean enabled,
    String iface,
    int port,
    String advertisedHost,
    int advertisedPort,
    int nodeId,
    String clusterId,
    int maxFrameBytes,
    int maxInFlightPerConnection,
    boolean autoCreateTopics,
    Duration leaderRefresh,
    Duration requestTimeout) {

  /** {@code node-id = auto}: the node id is derived from the node's cluster address. */
  public static final int AUTO_NODE_ID = -1;

  public KafkaSettings {
    if (port < 0 || port > 65535 || advertisedPort < 0 || advertisedPort > 65535) {
      throw new IllegalArgumentException("courant.kafka.port and advertised-port must be 0 to 65535, not "
          + port + " and " + advertisedPort);
    }
    if (nodeId < AUTO_NODE_ID) {
      throw new IllegalArgumentException("courant.kafka.node-id must be auto or >= 0, not " + nodeId);
    }
    if (leaderRefresh.isNegative() || leaderRefresh.isZero()) {
      throw new IllegalArgumentException("courant.kafka.leader-refresh must be positive, not " + leaderRefresh);
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("courant.kafka.max-frame-bytes must be at least 1 KiB, not " + maxFrameBytes);
    }
    if (maxInFlightPerConnection < 1) {
      throw new IllegalArgumentException("courant.kafka.max-in-flight-per-connection must be >= 1, not "
          + maxInFlightPerConnection);
    }
  }

  public static KafkaSettings create(Config courantKafka) {
    return new KafkaSettings(
        courantKafka.getBoolean("enabled"),
        courantKafka.getString("interface"),
        courantKafka.getInt("port"),
        courantKafka.getString("advertised-host"),
        courantKafka.getInt("advertised-port"),
        nodeId(courantKafka),
        courantKafka.getString("cluster-id"),
        (int) Math.min(Integer.MAX_VALUE - 4, courantKafka.getBytes("max-frame-bytes")),
        courantKafka.getInt("max-in-flight-per-connection"),
        courantKafka.getBoolean("auto-create-topics"),
        courantKafka.getDuration("leader-refresh"),
        courantKafka.getDuration("request-timeout"));
  }

  private static int nodeId(Config courantKafka) {
    if (courantKafka.getValue("node-id").valueType() == com.typesafe.config.ConfigValueType.STRING
        && courantKafka.getString("node-id").equals("auto")) {
      return AUTO_NODE_ID;
    }
    try {
      return courantKafka.getInt("node-id");
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new IllegalArgumentException("courant.kafka.node-id must be auto or a number >= 0, not '"
          + courantKafka.getValue("node-id").unwrapped() + "'", e);
    }
  }

  /** The same settings bound to another port (tests bind port 0). */
  public KafkaSettings withPort(int newPort) {
    return new KafkaSettings(enabled, iface, newPort, advertisedHost, advertisedPort, nodeId, clusterId, maxFrameBytes,
        maxInFlightPerConnection, autoCreateTopics, leaderRefresh, requestTimeout);
  }
}
