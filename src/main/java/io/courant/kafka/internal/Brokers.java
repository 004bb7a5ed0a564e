package io.courant.kafka.internal;

import io.courant.topic.TopicDescription;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

  /** Every live node clients may connect to, this one included, by node id. */
  List<Broker> all();

  /**
   * The node leading a partition: the node whose shard region hosts it now; this node when that is
   * not known (the partition is not started anywhere, or its node has left the cluster) — this
   * node then reaches it through sharding, which starts it somewhere; empty while the node hosting
   * it is unreachable (it has no leader until that node is downed and the partition moves).
   */
  Optional<Broker> leaderOf(UUID topicId, int partition);

  /**
   * Why a produce or fetch for a partition of {@code topic} must not be served by this node
   * (answered NOT_LEADER_OR_FOLLOWER, so that the client asks for metadata again); empty when this
   * node leads it, or the topic or partition is unknown here (then the request is served through
   * sharding, which is always correct, only one hop longer).
   */
  default Optional<String> notLeaderHere(Optional<TopicDescription> topic, int partition) {
    if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitions()) {
      return Optional.empty();
    }
    Optional<Broker> leader = leaderOf(topic.get().topicId(), partition);
    String name = topic.get().name() + "-" + partition;
    if (leader.isEmpty()) {
      return Optional.of("partition " + name + " has no leader now: the node hosting it is unreachable");
    }
    Broker b = leader.get();
    return b.equals(self()) ? Optional.empty() : Optional.of("partition " + name + " is led by node " + b.nodeId() + " ("
        + b.host() + ":" + b.port() + "), not this one: refresh the metadata");
  }

  /**
   * Whether this node was last seen hosting the partition (not merely named its leader because no
   * node is known to host it). A produce for a partition not hosted here goes through sharding and
   * is answered within {@code ProduceApis.NOT_HOSTED_WAIT} at most.
   */
  default boolean hostedHere(Optional<TopicDescription> topic, int partition) {
    return true;
  }

  /** Completes once {@link #leaderOf} answers from a view no older than its refresh interval. */
  default CompletionStage<Void> fresh() {
    return CompletableFuture.completedFuture(null);
  }
}
