package io.courant.kafka.internal;

import io.courant.ErrorCode;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.TopicExistsException;
import io.courant.kafka.KafkaSettings;
import io.courant.topic.TopicDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/** Metadata, FindCoordinator and DescribeCluster: where clients send what. */
final class ClusterApis {
  /** FindCoordinator's key type of consumer groups (1 = transactions, 2 = share groups). */
  private static final byte GROUP_KEY_TYPE = 0;
  /**
   * Every partition's leader epoch. Courant's log has one copy (in Cassandra): a new leader never
   * truncates it, so there is nothing for epochs to fence; clients accept metadata of an equal
   * epoch, and skip position validation since OffsetForLeaderEpoch is not served.
   */
  static final int LEADER_EPOCH = 0;

  private final Courant courant;
  private final KafkaSettings settings;
  private final Brokers brokers;
  private final TopicCatalog catalog;
  private final int defaultPartitions;

  ClusterApis(Courant courant, KafkaSettings settings, Brokers brokers, TopicCatalog catalog, int defaultPartitions) {
    this.courant = courant;
    this.settings = settings;
    this.brokers = brokers;
    this.catalog = catalog;
    this.defaultPartitions = defaultPartitions;
  }

  CompletionStage<ApiMessage> metadata(KafkaRequest r) {
    MetadataRequestData req = r.body();
    // v0 asks for all topics with an empty list, later versions with null.
    boolean all = req.topics() == null || (r.version() == 0 && req.topics().isEmpty());
    boolean autoCreate = settings.autoCreateTopics() && (r.version() < 4 || req.allowAutoTopicCreation());
    return brokers.fresh().thenCompose(fresh -> courant.listTopics()).thenCompose(topics -> {
      catalog.remember(topics);
      if (all) {
        return CompletableFuture.completedFuture(metadataResponse(r.version(), topics.stream().map(TopicAnswer::found).toList()));
      }
      Map<String, TopicDescription> byName = new HashMap<>();
      Map<Uuid, TopicDescription> byId = new HashMap<>();
      topics.forEach(t -> {
        byName.put(t.name(), t);
        byId.put(TopicCatalog.kafkaId(t.topicId()), t);
      });
      List<CompletableFuture<TopicAnswer>> answers = new ArrayList<>();
      for (MetadataRequestData.MetadataRequestTopic wanted : req.topics()) {
        answers.add(answer(wanted, byName, byId, autoCreate).toCompletableFuture());
      }
      return Futures.all(answers).thenApply(found -> metadataResponse(r.version(), found));
    });
  }

  /** A topic of a Metadata answer: found, or an error for the name or id asked for. */
  private record TopicAnswer(TopicDescription topic, String name, Uuid id, ErrorCode error) {
    static TopicAnswer found(TopicDescription t) {
      return new TopicAnswer(t, t.name(), TopicCatalog.kafkaId(t.topicId()), null);
    }
  }

  private CompletionStage<TopicAnswer> answer(MetadataRequestData.MetadataRequestTopic wanted,
      Map<String, TopicDescription> byName, Map<Uuid, TopicDescription> byId, boolean autoCreate) {
    if (wanted.name() == null) {
      TopicDescription t = byId.get(wanted.topicId());
      return CompletableFuture.completedFuture(t != null ? TopicAnswer.found(t)
          : new TopicAnswer(null, null, wanted.topicId(), ErrorCode.UNKNOWN_TOPIC_ID));
    }
    TopicDescription t = byName.get(wanted.name());
    if (t != null) {
      return CompletableFuture.completedFuture(TopicAnswer.found(t));
    }
    if (!autoCreate) {
      return CompletableFuture.completedFuture(new TopicAnswer(null, wanted.name(), Uuid.ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    }
    return courant.createTopic(new NewTopic(wanted.name(), defaultPartitions))
        .exceptionallyCompose(e -> KafkaErrors.unwrap(e) instanceof TopicExistsException
            ? courant.describeTopic(wanted.name())
            : CompletableFuture.failedFuture(e))
        .thenApply(TopicAnswer::found)
        .exceptionally(e -> new TopicAnswer(null, wanted.name(), Uuid.ZERO_UUID, KafkaErrors.of(e)));
  }

  private MetadataResponseData metadataResponse(short version, List<TopicAnswer> answers) {
    MetadataResponseData out = new MetadataResponseData();
    for (Brokers.Broker b : brokers.all()) {
      out.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(b.nodeId()).setHost(b.host()).setPort(b.port()));
    }
    if (version >= 2) {
      out.setClusterId(settings.clusterId());
    }
    out.setControllerId(brokers.self().nodeId());
    for (TopicAnswer a : answers) {
      MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic().setName(a.name());
      if (version >= 10) {
        topic.setTopicId(a.id());
      }
      if (a.error() != null) {
        topic.setErrorCode(KafkaErrors.code(a.error()));
      } else {
        for (int p = 0; p < a.topic().partitions(); p++) {
          MetadataResponseData.MetadataResponsePartition partition = new MetadataResponseData.MetadataResponsePartition()
              .setPartitionIndex(p)
              .setOfflineReplicas(List.of());
          Optional<Brokers.Broker> leader = brokers.leaderOf(a.topic().topicId(), p);
          if (leader.isPresent()) {
            int id = leader.get().nodeId();
            partition.setLeaderId(id).setLeaderEpoch(LEADER_EPOCH).setReplicaNodes(List.of(id)).setIsrNodes(List.of(id));
          } else {
            // Its node is unreachable: no leader until the partition has moved (Kafka's offline partition).
            partition.setErrorCode(KafkaErrors.code(ErrorCode.LEADER_NOT_AVAILABLE)).setLeaderId(-1).setLeaderEpoch(LEADER_EPOCH)
                .setReplicaNodes(List.of()).setIsrNodes(List.of());
          }
          topic.partitions().add(partition);
        }
      }
      out.topics().add(topic);
    }
    return out;
  }

  CompletionStage<ApiMessage> findCoordinator(KafkaRequest r) {
    FindCoordinatorRequestData req = r.body();
    FindCoordinatorResponseData out = new FindCoordinatorResponseData();
    if (r.version() < 4) {
      Brokers.Broker b = brokers.self();
      if (req.keyType() != GROUP_KEY_TYPE) {
        out.setErrorCode(KafkaErrors.code(ErrorCode.INVALID_REQUEST)).setNodeId(-1).setHost("").setPort(-1);
        if (r.version() >= 1) {
          out.setErrorMessage(unsupportedCoordinator(req.keyType()));
        }
      } else {
        out.setNodeId(b.nodeId()).setHost(b.host()).setPort(b.port());
      }
      return CompletableFuture.completedFuture(out);
    }
    for (String key : req.coordinatorKeys()) {
      FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key);
      if (req.keyType() != GROUP_KEY_TYPE) {
        c.setErrorCode(KafkaErrors.code(ErrorCode.INVALID_REQUEST)).setErrorMessage(unsupportedCoordinator(req.keyType()))
            .setNodeId(-1).setHost("").setPort(-1);
      } else {
        // Every node reaches every group's coordinator entity through sharding, so the node asked
        // coordinates: a client keeps one connection, and a node's death only sends it elsewhere.
        Brokers.Broker b = brokers.self();
        c.setNodeId(b.nodeId()).setHost(b.host()).setPort(b.port());
      }
      out.coordinators().add(c);
    }
    return CompletableFuture.completedFuture(out);
  }

  private static String unsupportedCoordinator(byte keyType) {
    return "Courant coordinates consumer groups only (key type 0), not key type " + keyType
        + " (transactions and share groups are not supported)";
  }

  CompletionStage<ApiMessage> describeCluster(KafkaRequest r) {
    DescribeClusterResponseData out = new DescribeClusterResponseData()
        .setClusterId(settings.clusterId())
        .setControllerId(brokers.self().nodeId());
    for (Brokers.Broker b : brokers.all()) {
      out.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(b.nodeId()).setHost(b.host()).setPort(b.port()));
    }
    return CompletableFuture.completedFuture(out);
  }
}
