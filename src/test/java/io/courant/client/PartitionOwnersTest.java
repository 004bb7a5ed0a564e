package io.courant.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.courant.log.Partition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import io.courant.topic.TopicDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/** {@link Courant#partitionOwners()} on a two-node cluster, checked against what each node's shard region runs. */
class PartitionOwnersTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void namesTheNodeThatRunsEachPartition() {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.joining(a, ConfigFactory.empty())) {
      Await.until("both nodes Up", Duration.ofSeconds(60), () -> StreamSupport.stream(Cluster.get(a.system()).state().getMembers()
          .spliterator(), false).filter(m -> m.status() == MemberStatus.up()).count() == 2);
      Await.until("both partition shard regions registered", Duration.ofSeconds(60), () -> TestNode.await(
          AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(ClusterSharding.get(a.system()).shardState(),
              r -> new GetClusterShardingStats(Partition.ENTITY_KEY, WAIT, r), WAIT.plusSeconds(1), a.system().scheduler()))
          .getRegions().size() == 2);

      String topic = TestNode.uniqueTopic("owners");
      TopicDescription t = TestNode.await(a.courant().createTopic(new NewTopic(topic, 16)));
      List<ProducerRecord> records = new ArrayList<>();
      for (int p = 0; p < 16; p++) {
        records.add(ProducerRecord.of(topic, null, "r" + p).withPartition(p));
      }
      TestNode.await(a.courant().sendAll(records, Partition.Acks.ALL));

      Map<String, Address> running = new HashMap<>();
      for (TestNode node : List.of(a, b)) {
        Address self = Cluster.get(node.system()).selfMember().address();
        ShardRegion.CurrentShardRegionState local = TestNode.await(AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(node.system()).shardState(), r -> new GetShardRegionState(Partition.ENTITY_KEY, r), WAIT,
            node.system().scheduler()));
        local.getShards().forEach(shard -> shard.getEntityIds().forEach(id -> running.put(id, self)));
      }

      for (TestNode asked : List.of(a, b)) {
        Map<TopicPartition, Address> owners = TestNode.await(asked.courant().partitionOwners());
        for (int p = 0; p < 16; p++) {
          assertEquals(running.get(Partition.entityId(t.topicId(), p)), owners.get(new TopicPartition(topic, p)), "partition " + p);
        }
      }
      assertEquals(2, new HashSet<>(running.values()).size(), "16 partitions on two nodes: both host some " + running);
    }
  }
}
