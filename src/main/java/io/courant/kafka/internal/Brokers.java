package io.courant.kafka.internal;

import java.util.List;
import java.util.UUID;

/**
 * The brokers Kafka clients see: Courant's nodes, and which one leads each partition. Clients send
 * a partition's produce and fetch requests to its leader, so the leader must be the node whose
 * shard holds the partition now; a partition that moved answers NOT_LEADER_OR_FOLLOWER and clients
 * refresh their metadata.
 */
interface Brokers {

  /** A broker as clients reach it. */
  record Broker(int nodeId, String host, int port) {}

  /** This node. */
  Broker self();

  /** Every node clients may connect to. */
  List<Broker> all();

  /** The node leading a partition. */
  Broker leaderOf(UUID topicId, int partition);

  /**
   * A single node: it leads every partition and coordinates every group. Enough for one node; a
   * cluster needs each node's advertised address and the shard owner of each partition (not yet).
   */
  static Brokers singleNode(Broker self) {
    return new Brokers() {
      @Override
      public Broker self() {
        return self;
      }

      @Override
      public List<Broker> all() {
        return List.of(self);
      }

      @Override
      public Broker leaderOf(UUID topicId, int partition) {
        return self;
      }
    };
  }
}
