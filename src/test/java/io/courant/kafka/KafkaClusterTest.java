package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.TopicPartition;
import io.courant.cluster.ThreeNodes;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.Batches;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * Three Courant nodes (two of them separate JVMs on 127.0.0.2 and 127.0.0.3), each a Kafka broker:
 * every node's Metadata lists the three with their own addresses and names as each partition's
 * leader the node whose shard hosts it; a produce or fetch sent to another node is answered
 * NOT_LEADER_OR_FOLLOWER; and a default KafkaProducer and a KafkaConsumer group carry on, losing
 * and duplicating nothing, when the node leading their partition is killed with {@code kill -9}.
 */
class KafkaClusterTest {
  private static final int PARTITIONS = 6;
  private static final short METADATA_VERSION = 12;

  @Test
  void everyNodeIsABrokerLeadersFollowTheShardsAndClientsCarryOnAfterKill9() throws Exception {
    try (ThreeNodes nodes = new ThreeNodes("kafka")) {
      KafkaListener seedListener = KafkaListener.start(nodes.seed.system(),
          KafkaSettings.create(nodes.seed.system().settings().config().getConfig("courant.kafka")).withPort(0));
      Map<String, String> listenerOfHost = Map.of(
          "127.0.0.1", "127.0.0.1:" + seedListener.port(),
          nodes.b.host(), nodes.b.host() + ":" + nodes.b.kafkaPort(),
          nodes.c.host(), nodes.c.host() + ":" + nodes.c.kafkaPort());
      String bootstrap = String.join(",", listenerOfHost.values());
      String topic = TestNode.uniqueTopic("kcluster");

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        Await.until("three brokers", Duration.ofSeconds(60), Duration.ofMillis(250), () -> {
          try {
            return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3;
          } catch (java.util.concurrent.TimeoutException e) {
            return false; // a loaded machine: ask again
          }
        });
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> producer = producer(bootstrap)) {
        for (int p = 0; p < PARTITIONS; p++) {
          producer.send(new ProducerRecord<>(topic, p, null, "start-" + p)).get(60, TimeUnit.SECONDS);
        }
      }
      UUID topicId = TestNode.await(nodes.seed.courant().describeTopic(topic)).topicId();

      // Every node lists the same three brokers, each at its own listener, and names as leader the
      // node whose shard region hosts the partition.
      Map<String, MetadataResponseData> answers = new HashMap<>();
      Await.until("every node naming the shard hosts as leaders", Duration.ofSeconds(30), Duration.ofMillis(250), () -> {
        Map<Integer, String> hosts = shardHosts(nodes, topicId);
        for (String listener : listenerOfHost.values()) {
          MetadataResponseData m = metadata(listener, topic);
          answers.put(listener, m);
          if (!leaderHosts(m).equals(hosts)) {
            return false;
          }
        }
        return true;
      });
      Set<Integer> ids = new HashSet<>();
      for (MetadataResponseData m : answers.values()) {
        Map<Integer, String> brokers = brokers(m);
        assertEquals(Set.copyOf(listenerOfHost.values()), Set.copyOf(brokers.values()), "every node's advertised listener");
        ids.addAll(brokers.keySet());
        assertEquals(brokers(answers.values().iterator().next()), brokers, "every node names the same ids");
      }
      assertEquals(3, ids.size(), "three distinct node ids");

      // A partition led by a child node: produce and fetch sent elsewhere are told to go there.
      Map<Integer, String> hosts = shardHosts(nodes, topicId);
      NodeProcess victim = hosts.containsValue(nodes.b.host()) ? nodes.b : nodes.c;
      int led = hosts.entrySet().stream().filter(e -> e.getValue().equals(victim.host())).findFirst()
          .orElseThrow(() -> new AssertionError("no partition on " + victim.name() + ": " + hosts)).getKey();
      String seedListenerAddress = listenerOfHost.get("127.0.0.1");
      assertEquals(6, rawProduce(seedListenerAddress, topic, led).errorCode(), "NOT_LEADER_OR_FOLLOWER at a node that does not lead");
      assertEquals(0, rawProduce(listenerOfHost.get(victim.host()), topic, led).errorCode(), "accepted by the leader");
      assertEquals(6, rawFetch(seedListenerAddress, topic, led).errorCode(), "NOT_LEADER_OR_FOLLOWER for a fetch too");

      // kill -9 of the leader while a producer and a consumer group work on its partition.
      List<String> acked = Collections.synchronizedList(new ArrayList<>());
      List<Exception> sendFailures = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean producing = new AtomicBoolean(true);
      List<String> consumed = new ArrayList<>();
      int ackedAtKill = -1;
      long killedAt = 0;
      long stoppedAt = 0;
      CompletableFuture<Void> sending;
      try (KafkaProducer<String, String> producer = producer(bootstrap);
          KafkaConsumer<String, String> consumer = consumer(bootstrap, TestNode.uniqueTopic("kcluster-g"))) {
        sending = CompletableFuture.runAsync(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
          for (int i = 0; producing.get() && i < 20_000 && System.nanoTime() < deadline; i++) {
            String value = "r-" + i;
            producer.send(new ProducerRecord<>(topic, led, null, value), (md, e) -> {
              if (e != null) {
                sendFailures.add(e);
              } else {
                acked.add(value);
              }
            });
            sleep(10);
          }
        });
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
          for (var r : consumer.poll(Duration.ofMillis(200))) {
            if (r.partition() == led && r.value().startsWith("r-")) {
              consumed.add(r.value());
            }
          }
          if (ackedAtKill < 0 && acked.size() >= 50 && consumed.size() >= 20) {
            victim.kill();
            killedAt = System.nanoTime();
            ackedAtKill = acked.size();
          }
          if (ackedAtKill >= 0 && producing.get() && acked.size() >= ackedAtKill + 50) {
            producing.set(false);
            stoppedAt = System.nanoTime();
            sending.get(30, TimeUnit.SECONDS);
            producer.flush();
          }
          if (!producing.get() && new HashSet<>(consumed).containsAll(acked)) {
            break;
          }
        }
        consumer.commitSync(Duration.ofSeconds(30));
      }
      assertTrue(ackedAtKill >= 0, "the leader was killed (acked " + acked.size() + ", consumed " + consumed.size() + ")");
      assertTrue(stoppedAt > 0, "the producer's records were acknowledged again after the kill: " + acked.size() + " acked, "
          + ackedAtKill + " before the kill; failures: " + sendFailures);
      System.out.printf("kafka failover: 50 more records acknowledged %.1f s after kill -9 of the leader%n",
          (stoppedAt - killedAt) / 1e9);
      assertEquals(List.of(), sendFailures, "the producer's retries covered the failover");
      assertTrue(new HashSet<>(consumed).containsAll(acked), "the consumer read every acknowledged record");
      List<String> stored = new ArrayList<>();
      for (String v : ThreeNodes.values(nodes.seed.courant(), new TopicPartition(topic, led))) {
        if (v.startsWith("r-")) {
          stored.add(v);
        }
      }
      assertEquals(acked, stored, "every acknowledged record stored once, in order");

      // Metadata lists the survivors only and a survivor leads the partition.
      String survivorHost = victim == nodes.b ? nodes.c.host() : nodes.b.host();
      Await.until("metadata without the killed node", Duration.ofSeconds(30), Duration.ofMillis(250), () -> {
        MetadataResponseData m = metadata(seedListenerAddress, topic);
        Set<String> listed = Set.copyOf(brokers(m).values());
        return listed.equals(Set.of(seedListenerAddress, listenerOfHost.get(survivorHost)))
            && leaderHosts(m).equals(shardHosts(nodes, topicId))
            && !leaderHosts(m).containsValue(victim.host());
      });
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /** Each partition's host (127.0.0.x) as Cluster Sharding reports it; partitions not started are left out. */
  private static Map<Integer, String> shardHosts(ThreeNodes nodes, UUID topicId) {
    var system = nodes.seed.system();
    ShardRegion.ClusterShardingStats stats = TestNode.await(AskPattern.ask(ClusterSharding.get(system).shardState(),
        (ActorRef<ShardRegion.ClusterShardingStats> replyTo) -> new GetClusterShardingStats(Partition.ENTITY_KEY, Duration.ofSeconds(3), replyTo),
        Duration.ofSeconds(10), system.scheduler()));
    HashCodeMessageExtractor<Partition.Command> shards =
        new HashCodeMessageExtractor<>(system.settings().config().getInt("pekko.cluster.sharding.number-of-shards"));
    Map<Integer, String> out = new HashMap<>();
    for (Map.Entry<Address, ShardRegion.ShardRegionStats> region : stats.getRegions().entrySet()) {
      for (int p = 0; p < PARTITIONS; p++) {
        if (region.getValue().getStats().containsKey(shards.shardId(Partition.entityId(topicId, p)))) {
          out.put(p, region.getKey().host().get());
        }
      }
    }
    return out;
  }

  private static MetadataResponseData metadata(String listener, String topic) throws Exception {
    try (RawKafkaConnection c = connect(listener)) {
      c.send(ApiKeys.METADATA, METADATA_VERSION, 1, new MetadataRequestData().setAllowAutoTopicCreation(false)
          .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))));
      return (MetadataResponseData) c.receive(ApiKeys.METADATA, METADATA_VERSION).body();
    }
  }

  /** The brokers of a Metadata answer: node id to "host:port". */
  private static Map<Integer, String> brokers(MetadataResponseData m) {
    Map<Integer, String> out = new HashMap<>();
    m.brokers().forEach(b -> out.put(b.nodeId(), b.host() + ":" + b.port()));
    return out;
  }

  /** Each partition's leader host in a Metadata answer. */
  private static Map<Integer, String> leaderHosts(MetadataResponseData m) {
    Map<Integer, String> hostOfId = new HashMap<>();
    m.brokers().forEach(b -> hostOfId.put(b.nodeId(), b.host()));
    Map<Integer, String> out = new HashMap<>();
    m.topics().iterator().next().partitions().forEach(p -> out.put(p.partitionIndex(), hostOfId.get(p.leaderId())));
    return out;
  }

  private static ProduceResponseData.PartitionProduceResponse rawProduce(String listener, String topic, int partition) throws Exception {
    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
    byte[] batch = Batches.idempotent(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE, (short) 0, 0, "raw");
    topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
        new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(batch))))));
    try (RawKafkaConnection c = connect(listener)) {
      c.send(ApiKeys.PRODUCE, (short) 9, 2, new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics));
      return ((ProduceResponseData) c.receive(ApiKeys.PRODUCE, (short) 9).body()).responses().iterator().next().partitionResponses().get(0);
    }
  }

  private static FetchResponseData.PartitionData rawFetch(String listener, String topic, int partition) throws Exception {
    FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
        .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(0).setPartitionMaxBytes(1 << 20)))));
    try (RawKafkaConnection c = connect(listener)) {
      c.send(ApiKeys.FETCH, (short) 11, 3, fetch);
      return ((FetchResponseData) c.receive(ApiKeys.FETCH, (short) 11).body()).responses().get(0).partitions().get(0);
    }
  }

  private static RawKafkaConnection connect(String listener) throws Exception {
    String[] hostPort = listener.split(":");
    return new RawKafkaConnection(hostPort[0], Integer.parseInt(hostPort[1]), 10_000);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
