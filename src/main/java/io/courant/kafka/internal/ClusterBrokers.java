package io.courant.kafka.internal;

import io.courant.log.Partition;
import io.courant.topic.TopicDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The brokers of a Courant cluster. Each node publishes its advertised Kafka address in a
 * replicated map (Pekko Distributed Data, keyed by the node's cluster address); the brokers are the
 * cluster's live members (Up, reachable from here) that have published one. A partition's leader
 * is the node whose shard region hosts the partition's shard, read from Cluster Sharding's
 * statistics ({@code GetClusterShardingStats}) and kept for {@code refreshInterval}: every node
 * asks the same shard coordinator, so all nodes name the same leader (within that interval).
 */
final class ClusterBrokers implements Brokers {
  private static final org.apache.pekko.cluster.ddata.Key<LWWMap<String, String>> KEY = LWWMapKey.create("courant-kafka-brokers");

  /** Where partitions' shards are hosted, as read at {@code readAtNanos}. */
  private record Homes(Map<String, Address> byShard, long readAtNanos) {}

  private final ActorSystem<?> system;
  private final Broker self;
  private final Address selfAddress;
  private final Duration refreshInterval;
  private final HashCodeMessageExtractor<Partition.Command> shards;
  private volatile Map<String, Broker> published = Map.of();
  private volatile Homes homes = new Homes(Map.of(), System.nanoTime() - Duration.ofDays(1).toNanos());
  private CompletableFuture<Void> reading;

  private ClusterBrokers(ActorSystem<?> system, Broker self, Duration refreshInterval) {
    this.system = system;
    this.shards = Partition.shards(system);
    this.self = self;
    this.selfAddress = Cluster.get(system).selfMember().address();
    this.refreshInterval = refreshInterval;
    this.published = Map.of(selfAddress.toString(), self);
  }

  /** Publishes this node as {@code self} and follows the other nodes' entries. */
  static ClusterBrokers start(ActorSystem<?> system, Broker self, Duration refreshInterval) {
    ClusterBrokers brokers = new ClusterBrokers(system, self, refreshInterval);
    system.systemActorOf(brokers.registry(true), "courant-kafka-brokers-" + self.port(), org.apache.pekko.actor.typed.Props.empty());
    return brokers;
  }

  /**
   * The brokers as seen by a node without a Kafka listener: it follows the other nodes' entries
   * and publishes none; it names itself by its derived id, with port -1.
   */
  static ClusterBrokers follow(ActorSystem<?> system, Duration refreshInterval) {
    Address address = Cluster.get(system).selfMember().address();
    Broker self = new Broker(derivedNodeId(address), address.host().getOrElse(() -> ""), -1);
    ClusterBrokers brokers = new ClusterBrokers(system, self, refreshInterval);
    system.systemActorOf(brokers.registry(false), "courant-kafka-brokers-followed", org.apache.pekko.actor.typed.Props.empty());
    return brokers;
  }

  /**
   * The node id of a node that was given none: a hash of its cluster address (host and port), the
   * same on every node and across restarts at the same address.
   */
  static int derivedNodeId(Address clusterAddress) {
    String hostPort = clusterAddress.host().getOrElse(() -> "") + ":" + clusterAddress.port().getOrElse(() -> 0);
    return hostPort.hashCode() & Integer.MAX_VALUE;
  }

  private sealed interface Event {}

  private record BrokersChanged(Map<String, String> entries) implements Event {}

  private record Published(boolean everywhere) implements Event {}

  private Behavior<Event> registry(boolean publish) {
    return Behaviors.setup(ctx -> DistributedData.<Event, LWWMap<String, String>>withReplicatorMessageAdapter(replicator -> {
      var node = DistributedData.get(system).selfUniqueAddress();
      replicator.subscribe(KEY, changed -> changed instanceof Replicator.Changed<LWWMap<String, String>> c
          ? new BrokersChanged(c.get(KEY).getEntries()) : new BrokersChanged(null));
      // To every node now if it can (a Metadata answer elsewhere lists this node at once); gossip
      // carries it to the nodes that did not answer in time and to nodes that join later.
      if (publish) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(),
                new Replicator.WriteAll(Duration.ofSeconds(3)), replyTo, map -> map.put(node, selfAddress.toString(), encode(self))),
            response -> new Published(response instanceof Replicator.UpdateSuccess));
      }
      return Behaviors.receive(Event.class)
          .onMessage(BrokersChanged.class, m -> {
            if (m.entries() != null) {
              Map<String, Broker> brokers = new HashMap<>();
              m.entries().forEach((address, broker) -> brokers.put(address, decode(broker)));
              brokers.put(selfAddress.toString(), self);
              published = Map.copyOf(brokers);
            }
            return Behaviors.same();
          })
          .onMessage(Published.class, m -> {
            if (!m.everywhere()) {
              ctx.getLog().debug("Kafka broker {} published locally; gossip spreads it", self);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static String encode(Broker b) {
    return b.nodeId() + " " + b.port() + " " + b.host();
  }

  private static Broker decode(String s) {
    String[] parts = s.split(" ", 3);
    return new Broker(Integer.parseInt(parts[0]), parts[2], Integer.parseInt(parts[1]));
  }

  @Override
  public Broker self() {
    return self;
  }

  @Override
  public List<Broker> all() {
    Map<String, Broker> live = liveBrokers();
    List<Broker> out = new ArrayList<>(live.values());
    out.sort(Comparator.comparingInt(Broker::nodeId));
    return out;
  }

  /** The brokers of live members (see {@link #liveMembers}), by cluster address. */
  private Map<String, Broker> liveBrokers() {
    Map<String, Broker> brokers = published;
    Map<String, Broker> live = new HashMap<>();
    for (Address a : liveMembers()) {
      Broker b = brokers.get(a.toString());
      if (b != null) {
        live.put(a.toString(), b);
      }
    }
    live.put(selfAddress.toString(), self);
    return live;
  }

  /** The members that are Up (or WeaklyUp) and reachable from here. */
  private Set<Address> liveMembers() {
    var state = Cluster.get(system).state();
    Set<Member> unreachable = state.getUnreachable();
    Set<Address> live = new HashSet<>();
    for (Member m : state.getMembers()) {
      if ((m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) && !unreachable.contains(m)) {
        live.add(m.address());
      }
    }
    return live;
  }

  private boolean isMember(Address address) {
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().equals(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<Broker> leaderOf(UUID topicId, int partition) {
    // A node without a Kafka listener has no broker: this node serves its partitions through sharding.
    return leaderHome(topicId, partition).map(home -> home.equals(selfAddress) ? self : published.getOrDefault(home.toString(), self));
  }

  /**
   * The id of the node leading a partition, as {@link #leaderOf} names it; a leading node without
   * a Kafka listener by its own id ({@link #nodeIdOf}).
   */
  Optional<Integer> leaderIdOf(UUID topicId, int partition) {
    return leaderHome(topicId, partition).map(this::nodeIdOf);
  }

  /** A member's broker id: the one it published, else the one derived from its address. */
  int nodeIdOf(Address member) {
    if (member.equals(selfAddress)) {
      return self.nodeId();
    }
    Broker b = published.get(member.toString());
    return b != null ? b.nodeId() : derivedNodeId(member);
  }

  /** A member's published Kafka listener, if it has one. */
  Optional<Broker> brokerAt(Address member) {
    return member.equals(selfAddress) ? Optional.of(self) : Optional.ofNullable(published.get(member.toString()));
  }

  @Override
  public boolean hostedHere(Optional<TopicDescription> topic, int partition) {
    return topic.isEmpty() || selfAddress.equals(lastSeenHome(homes, topic.get().topicId(), partition));
  }

  /** Where the last read of the shard homes saw a partition's shard (null: not seen). */
  private Address lastSeenHome(Homes h, UUID topicId, int partition) {
    return h.byShard().get(shards.shardId(Partition.entityId(topicId, partition)));
  }

  /** The cluster address of the node leading a partition (see {@link Brokers#leaderOf}). */
  private Optional<Address> leaderHome(UUID topicId, int partition) {
    Homes h = homes;
    if (System.nanoTime() - h.readAtNanos() > refreshInterval.toNanos()) {
      read();
    }
    Address home = lastSeenHome(h, topicId, partition);
    if (home == null || home.equals(selfAddress) || liveMembers().contains(home)) {
      return Optional.of(home == null ? selfAddress : home);
    }
    // A member that is still in the cluster but not live (unreachable, leaving): requests sent to
    // its region would be lost until it is downed, so the partition has no leader meanwhile. One
    // that has left: sharding starts the partition elsewhere on the next request, through here.
    return isMember(home) ? Optional.empty() : Optional.of(selfAddress);
  }

  @Override
  public CompletionStage<Void> fresh() {
    if (System.nanoTime() - homes.readAtNanos() <= refreshInterval.toNanos()) {
      return CompletableFuture.completedFuture(null);
    }
    return read();
  }

  /** Reads where shards are hosted (one read at a time); a failed read keeps the last view. */
  private synchronized CompletableFuture<Void> read() {
    if (reading != null) {
      return reading;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    reading = done;
    long started = System.nanoTime();
    Duration timeout = refreshInterval.compareTo(Duration.ofSeconds(1)) > 0 ? refreshInterval : Duration.ofSeconds(1);
    Partition.shardHomes(system, timeout)
        .whenComplete((read, failure) -> {
          if (read != null) {
            Map<String, Address> byShard = new HashMap<>(read);
            // A region that did not answer in time (its node may just have died, before the
            // cluster noticed) still hosts its shards until its node is removed: keep them where
            // the last read saw them, so that requests are not sent into a dead region meanwhile.
            homes.byShard().forEach((shard, address) -> {
              if (!byShard.containsKey(shard) && isMember(address)) {
                byShard.put(shard, address);
              }
            });
            homes = new Homes(Map.copyOf(byShard), started);
          } else {
            system.log().debug("Reading the shard homes of partitions failed: {}", failure.toString());
          }
          synchronized (this) {
            reading = null;
          }
          done.complete(null);
        });
    return done;
  }
}
