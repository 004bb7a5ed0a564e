package io.courant.kafka.internal;

import io.courant.kafka.KafkaSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster's nodes as every surface names them: the broker ids and partition leaders of Kafka's
 * Metadata (this node's Kafka listener's {@link ClusterBrokers}), for the HTTP API and the CLI. A
 * node without a Kafka listener follows the other nodes' published ids and names itself by the id
 * derived from its cluster address ({@code courant.kafka.node-id = auto}).
 */
public final class ClusterNodes implements Extension {
  private static final ExtensionId<ClusterNodes> ID = new ExtensionId<>() {
    @Override
    public ClusterNodes createExtension(ActorSystem<?> system) {
      return new ClusterNodes(system);
    }
  };

  /**
   * A member of the cluster.
   *
   * @param brokerId its Kafka node id
   * @param host its Kafka listener's advertised host, else its cluster host
   * @param kafkaPort its Kafka listener's advertised port, -1 if it has none
   * @param status its cluster membership status (Up, Joining, Leaving, ...)
   * @param self whether it is the node answering
   */
  public record Node(int brokerId, String host, int kafkaPort, Address address, String status, boolean self) {}

  private final ActorSystem<?> system;
  private final AtomicReference<ClusterBrokers> listening = new AtomicReference<>();
  private volatile ClusterBrokers following;

  private ClusterNodes(ActorSystem<?> system) {
    this.system = system;
  }

  public static ClusterNodes get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** This node's Kafka listener's view (the first listener bound in this system wins). */
  void listening(ClusterBrokers brokers) {
    listening.compareAndSet(null, brokers);
  }

  private ClusterBrokers brokers() {
    ClusterBrokers b = listening.get();
    if (b != null) {
      return b;
    }
    synchronized (this) {
      if (following == null) {
        following = ClusterBrokers.follow(system,
            KafkaSettings.create(system.settings().config().getConfig("courant.kafka")).leaderRefresh());
      }
      return following;
    }
  }

  /** Every member of the cluster, by broker id. */
  public List<Node> nodes() {
    ClusterBrokers brokers = brokers();
    Member selfMember = Cluster.get(system).selfMember();
    List<Node> out = new ArrayList<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      Optional<Brokers.Broker> b = brokers.brokerAt(m.address());
      out.add(new Node(brokers.nodeIdOf(m.address()), b.map(Brokers.Broker::host).orElse(m.address().host().getOrElse(() -> "")),
          b.map(Brokers.Broker::port).orElse(-1), m.address(), m.status().toString(), m.address().equals(selfMember.address())));
    }
    out.sort(Comparator.comparingInt(Node::brokerId));
    return List.copyOf(out);
  }

  /** The member with this broker id. */
  public Optional<Node> node(int brokerId) {
    return nodes().stream().filter(n -> n.brokerId() == brokerId).findFirst();
  }

  /**
   * The broker id of the node leading a partition, as Kafka's Metadata names it from this node;
   * empty while the node hosting it is unreachable.
   */
  public CompletionStage<Optional<Integer>> leaderOf(UUID topicId, int partition) {
    ClusterBrokers brokers = brokers();
    return brokers.fresh().thenApply(v -> brokers.leaderIdOf(topicId, partition));
  }
}
