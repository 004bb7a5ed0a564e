package io.courant.http.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.integerSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.OffsetSpec;
import io.courant.client.TopicPartition;
import io.courant.group.GroupCoordinator;
import io.courant.group.GroupLag;
import io.courant.group.GroupState;
import io.courant.http.HttpSettings;
import io.courant.kafka.internal.ClusterNodes;
import io.courant.topic.TopicDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The v3 admin API under {@code /v3/clusters/{cluster_id}} (Confluent REST Proxy v3 shapes):
 * brokers (the cluster's nodes), topics (list, create, grow with PATCH, delete), topic configs (list,
 * one, {@code configs:alter}), partitions with their earliest and latest offsets, consumer groups
 * (list, describe, delete), their consumers and assignments, {@code lags}, {@code lag-summary} and
 * {@code offsets:reset} for an empty group. Every resource carries {@code kind}, {@code
 * metadata.self} and {@code {"related": url}} links; lists are {@code {kind, metadata, data}}.
 */
public final class AdminRoutes extends RouteSupport {
  private final Courant courant;

  public AdminRoutes(ActorSystem<?> system, HttpSettings settings) {
    super(system, settings, Responses.JSON);
    this.courant = Courant.get(system);
  }

  public Route routes() {
    return pathPrefix(segment("v3").slash("clusters"), () -> extractUri(uri -> {
      Links links = new Links(uri, settings.clusterId());
      return concat(
          pathEnd(() -> get(() -> respond(() -> now(ok(list("KafkaClusterList", links.clusters(), List.of(cluster(links)))))))),
          pathPrefix(segment(), id -> id.equals(settings.clusterId())
              ? clusterRoutes(links)
              : respond(() -> CompletableFuture.failedFuture(ApiError.notFound(404, "cluster '" + id + "' not found: this is '"
                  + settings.clusterId() + "'")))));
    }));
  }

  private Route clusterRoutes(Links links) {
    return concat(
        pathEnd(() -> get(() -> respond(() -> now(ok(cluster(links)))))),
        path("brokers", () -> get(() -> respond(() -> now(ok(list("KafkaBrokerList", links.cluster("/brokers"), brokers(links))))))),
        path(segment("brokers").slash(integerSegment()), id -> get(() -> respond(() -> now(ok(broker(links, node(id))))))),
        path(segment("brokers").slash(integerSegment()).slash("partition-replicas"), id -> get(() -> respond(() -> replicas(links, id)))),
        pathPrefix("topics", () -> concat(
            pathEnd(() -> concat(
                get(() -> respond(() -> listTopics(links))),
                post(() -> withBody(body -> createTopic(links, body))))),
            pathPrefix(segment(), topic -> topicRoutes(links, topic)))),
        pathPrefix("consumer-groups", () -> concat(
            pathEnd(() -> get(() -> respond(() -> listGroups(links)))),
            pathPrefix(segment(), group -> groupRoutes(links, group)))));
  }

  // ---- clusters and brokers

  private ObjectNode cluster(Links links) {
    ObjectNode c = resource("KafkaCluster", links.cluster(""));
    c.put("cluster_id", settings.clusterId());
    c.set("controller", related(links.cluster("/brokers")));
    c.set("brokers", related(links.cluster("/brokers")));
    c.set("topics", related(links.cluster("/topics")));
    c.set("consumer_groups", related(links.cluster("/consumer-groups")));
    return c;
  }

  /** The cluster's nodes, by the broker ids Kafka's Metadata gives them. */
  private List<ObjectNode> brokers(Links links) {
    return ClusterNodes.get(system).nodes().stream().map(n -> broker(links, n)).toList();
  }

  private ClusterNodes.Node node(int brokerId) {
    return ClusterNodes.get(system).node(brokerId).orElseThrow(() -> ApiError.notFound(404, "broker " + brokerId
        + " not found: the cluster's brokers are " + ClusterNodes.get(system).nodes().stream().map(n -> Integer.toString(n.brokerId()))
            .collect(java.util.stream.Collectors.joining(", "))));
  }

  private ObjectNode broker(Links links, ClusterNodes.Node n) {
    ObjectNode b = resource("KafkaBroker", links.cluster("/brokers/" + n.brokerId()));
    b.put("cluster_id", settings.clusterId()).put("broker_id", n.brokerId());
    b.put("host", n.host());
    if (n.kafkaPort() >= 0) {
      b.put("port", n.kafkaPort());
    } else {
      b.putNull("port");
    }
    b.put("status", n.status()).put("self", n.self());
    b.putNull("rack");
    b.set("partition_replicas", related(links.cluster("/brokers/" + n.brokerId() + "/partition-replicas")));
    return b;
  }

  /**
   * The partitions a node leads (Confluent's {@code partition-replicas} of a broker), as Kafka's
   * Metadata names their leaders: each partition has one entity in the cluster, so each is its
   * node's only replica and its leader.
   */
  private CompletionStage<HttpResponse> replicas(Links links, int brokerId) {
    node(brokerId);
    return courant.listTopics().thenCompose(topics -> {
      List<CompletableFuture<Optional<TopicPartition>>> led = new ArrayList<>();
      for (TopicDescription t : topics) {
        for (int p = 0; p < t.partitions(); p++) {
          TopicPartition tp = new TopicPartition(t.name(), p);
          led.add(ClusterNodes.get(system).leaderOf(t.topicId(), p).thenApply(l -> l.filter(id -> id == brokerId).map(id -> tp))
              .toCompletableFuture());
        }
      }
      return CompletableFuture.allOf(led.toArray(CompletableFuture[]::new)).thenApply(v -> led.stream().map(CompletableFuture::join)
          .flatMap(Optional::stream).sorted(Ordering.TOPIC_PARTITION).toList());
    }).thenApply(hosted -> ok(list("KafkaReplicaList", links.cluster("/brokers/" + brokerId + "/partition-replicas"), hosted.stream().map(tp -> {
      ObjectNode r = resource("KafkaReplica", links.cluster("/brokers/" + brokerId + "/partition-replicas"));
      r.put("cluster_id", settings.clusterId()).put("topic_name", tp.topic()).put("partition_id", tp.partition())
          .put("broker_id", brokerId).put("is_leader", true).put("is_in_sync", true);
      r.set("broker", related(links.cluster("/brokers/" + brokerId)));
      r.set("partition", related(links.topic(tp.topic(), "/partitions/" + tp.partition())));
      return r;
    }).toList())));
  }

  // ---- topics

  private Route topicRoutes(Links links, String topic) {
    return concat(
        pathEnd(() -> concat(
            get(() -> respond(() -> courant.describeTopic(topic).thenApply(t -> ok(topic(links, t))))),
            patch(() -> withBody(body -> courant.createPartitions(topic, Json.intIn(body, "partitions_count", 1, Integer.MAX_VALUE))
                .thenApply(t -> ok(topic(links, t))))),
            delete(() -> respond(() -> courant.deleteTopic(topic).thenApply(done -> Responses.noContent()))))),
        pathPrefix("configs", () -> concat(
            pathEnd(() -> get(() -> respond(() -> configs(links, topic)))),
            path(segment(), name -> get(() -> respond(() -> courant.describeConfigs(topic).thenApply(configs -> {
              if (!configs.containsKey(name)) {
                throw ApiError.notFound(404, "topic config '" + name + "' not found; the topic configs are " + configs.keySet());
              }
              return ok(config(links, topic, name, configs.get(name)));
            })))))),
        path("configs:alter", () -> post(() -> withBody(body -> alterConfigs(topic, body)))),
        pathPrefix("partitions", () -> concat(
            pathEnd(() -> get(() -> respond(() -> partitions(links, topic)))),
            path(integerSegment(), p -> get(() -> respond(() -> partition(links, topic, p)))))));
  }

  private CompletionStage<HttpResponse> listTopics(Links links) {
    return courant.listTopics().thenApply(topics -> ok(list("KafkaTopicList", links.cluster("/topics"),
        topics.stream().sorted((a, b) -> a.name().compareTo(b.name())).map(t -> topic(links, t)).toList())));
  }

  private CompletionStage<HttpResponse> createTopic(Links links, JsonNode body) {
    String name = Json.text(body, "topic_name");
    int partitions = body.has("partitions_count") ? Json.intIn(body, "partitions_count", 1, Integer.MAX_VALUE) : 1;
    if (body.has("replication_factor")) {
      Json.intIn(body, "replication_factor", 1, Short.MAX_VALUE); // Cassandra's replication factor applies
    }
    return courant.createTopic(new NewTopic(name, partitions, TopicRoutes.configs(body.get("configs"))))
        .thenApply(t -> Responses.json(201, topic(links, t), Responses.JSON));
  }

  private ObjectNode topic(Links links, TopicDescription t) {
    ObjectNode node = resource("KafkaTopic", links.topic(t.name(), ""));
    node.put("cluster_id", settings.clusterId()).put("topic_name", t.name()).put("topic_id", t.topicId().toString())
        .put("is_internal", false).put("replication_factor", 1).put("partitions_count", t.partitions());
    node.set("partitions", related(links.topic(t.name(), "/partitions")));
    node.set("configs", related(links.topic(t.name(), "/configs")));
    return node;
  }

  private CompletionStage<HttpResponse> configs(Links links, String topic) {
    return courant.describeTopic(topic).thenCombine(courant.describeConfigs(topic), (t, configs) -> {
      List<ObjectNode> data = new ArrayList<>();
      new java.util.TreeMap<>(configs).forEach((name, value) -> {
        ObjectNode c = config(links, topic, name, value);
        c.put("is_default", !t.configs().containsKey(name)).put("source", t.configs().containsKey(name)
            ? "DYNAMIC_TOPIC_CONFIG" : "DEFAULT_CONFIG");
        data.add(c);
      });
      return ok(list("KafkaTopicConfigList", links.topic(topic, "/configs"), data));
    });
  }

  private ObjectNode config(Links links, String topic, String name, String value) {
    ObjectNode c = resource("KafkaTopicConfig", links.topic(topic, "/configs/" + name));
    c.put("cluster_id", settings.clusterId()).put("topic_name", topic).put("name", name).put("value", value)
        .put("is_read_only", false).put("is_sensitive", false);
    c.putArray("synonyms");
    return c;
  }

  /** {@code {"data": [{"name": .., "value": ..}, {"name": .., "operation": "DELETE"}]}}: all or nothing. */
  private CompletionStage<HttpResponse> alterConfigs(String topic, JsonNode body) {
    Map<String, String> set = new LinkedHashMap<>();
    Set<String> delete = new HashSet<>();
    for (JsonNode c : Json.list(body, "data", c -> c)) {
      String name = Json.text(c, "name");
      String operation = c.path("operation").asText("SET").toUpperCase(java.util.Locale.ROOT);
      switch (operation) {
        case "SET" -> set.put(name, Json.text(c, "value"));
        case "DELETE" -> delete.add(name);
        default -> throw ApiError.invalid("operation must be SET or DELETE, not '" + operation + "'");
      }
    }
    return courant.alterConfigs(topic, set, delete).thenApply(t -> Responses.noContent());
  }

  private CompletionStage<HttpResponse> partitions(Links links, String topic) {
    return courant.describeTopic(topic).thenCompose(t -> {
      List<CompletableFuture<ObjectNode>> parts = new ArrayList<>();
      for (int p = 0; p < t.partitions(); p++) {
        parts.add(partitionNode(links, t, p).toCompletableFuture());
      }
      return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
          .thenApply(v -> ok(list("KafkaPartitionList", links.topic(topic, "/partitions"), parts.stream().map(CompletableFuture::join).toList())));
    });
  }

  private CompletionStage<HttpResponse> partition(Links links, String topic, int partition) {
    return courant.describeTopic(topic).thenCompose(t -> {
      if (partition >= t.partitions()) {
        throw ApiError.notFound(40402, "partition " + partition + " of topic '" + topic + "' does not exist: it has partitions 0 to "
            + (t.partitions() - 1));
      }
      return partitionNode(links, t, partition);
    }).thenApply(this::ok);
  }

  /** A partition with its offsets and its leader (its only replica), by the broker id Kafka's Metadata names. */
  private CompletionStage<ObjectNode> partitionNode(Links links, TopicDescription t, int partition) {
    TopicPartition tp = new TopicPartition(t.name(), partition);
    return courant.logStatus(tp).thenCombine(ClusterNodes.get(system).leaderOf(t.topicId(), partition), (status, leader) -> {
      ObjectNode p = resource("KafkaPartition", links.topic(tp.topic(), "/partitions/" + tp.partition()));
      p.put("cluster_id", settings.clusterId()).put("topic_name", tp.topic()).put("partition_id", tp.partition())
          .put("earliest_offset", status.logStartOffset()).put("latest_offset", status.highWatermark())
          .put("size_bytes", status.sizeInBytes());
      if (leader.isPresent()) {
        p.put("leader_id", leader.get());
        p.set("leader", related(links.cluster("/brokers/" + leader.get())));
      } else {
        p.putNull("leader_id");
        p.putNull("leader");
      }
      p.set("replicas", related(links.cluster("/brokers")));
      return p;
    });
  }

  // ---- consumer groups

  private Route groupRoutes(Links links, String group) {
    return concat(
        pathEnd(() -> concat(
            get(() -> respond(() -> existingGroup(group).thenApply(g -> ok(group(links, g))))),
            delete(() -> respond(() -> courant.deleteGroup(group).thenApply(done -> Responses.noContent()))))),
        path("consumers", () -> get(() -> respond(() -> existingGroup(group).thenApply(g -> ok(list("KafkaConsumerList",
            links.group(group, "/consumers"), g.members().stream().map(m -> consumer(links, group, m)).toList())))))),
        path(segment("consumers").slash(segment()), id -> get(() -> respond(() -> member(group, id)
            .thenApply(m -> ok(consumer(links, group, m)))))),
        path(segment("consumers").slash(segment()).slash("assignments"), id -> get(() -> respond(() -> member(group, id)
            .thenApply(m -> ok(list("KafkaConsumerAssignmentList", links.group(group, "/consumers/" + id + "/assignments"),
                m.partitions().stream().map(tp -> assignment(links, group, m, tp)).toList())))))),
        path("lags", () -> get(() -> respond(() -> lags(links, group)))),
        path("lag-summary", () -> get(() -> respond(() -> lagSummary(links, group)))),
        path("offsets:reset", () -> post(() -> withBody(body -> resetOffsets(links, group, body)))));
  }

  private CompletionStage<HttpResponse> listGroups(Links links) {
    return courant.listGroups().thenCompose(ids -> {
      List<CompletableFuture<GroupCoordinator.Group>> groups = ids.stream().map(id -> courant.describeGroup(id).toCompletableFuture()).toList();
      return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> ok(list("KafkaConsumerGroupList",
          links.cluster("/consumer-groups"), groups.stream().map(g -> group(links, g.join())).toList())));
    });
  }

  /** The group, or 404 if it does not exist (no members, no committed offsets). */
  private CompletionStage<GroupCoordinator.Group> existingGroup(String group) {
    return courant.describeGroup(group).thenApply(g -> {
      if (g.state() == GroupState.DEAD && g.members().isEmpty()) {
        throw ApiError.notFound(40404, "consumer group '" + group + "' not found");
      }
      return g;
    });
  }

  private CompletionStage<GroupCoordinator.MemberDescription> member(String group, String memberId) {
    return existingGroup(group).thenApply(g -> g.members().stream().filter(m -> m.memberId().equals(memberId)).findFirst()
        .orElseThrow(() -> ApiError.notFound(40405, "consumer '" + memberId + "' is not a member of group '" + group + "'")));
  }

  private ObjectNode group(Links links, GroupCoordinator.Group g) {
    ObjectNode node = resource("KafkaConsumerGroup", links.group(g.groupId(), ""));
    node.put("cluster_id", settings.clusterId()).put("consumer_group_id", g.groupId()).put("is_simple", g.members().isEmpty())
        .put("partition_assignor", g.protocol()).put("state", g.state().name()).put("generation_id", g.generationId());
    node.set("coordinator", related(links.cluster("/brokers")));
    node.set("consumers", related(links.group(g.groupId(), "/consumers")));
    node.set("lag_summary", related(links.group(g.groupId(), "/lag-summary")));
    return node;
  }

  private ObjectNode consumer(Links links, String group, GroupCoordinator.MemberDescription m) {
    ObjectNode node = resource("KafkaConsumer", links.group(group, "/consumers/" + m.memberId()));
    node.put("cluster_id", settings.clusterId()).put("consumer_group_id", group).put("consumer_id", m.memberId())
        .put("instance_id", m.groupInstanceId()).put("client_id", m.memberId());
    node.set("assignments", related(links.group(group, "/consumers/" + m.memberId() + "/assignments")));
    return node;
  }

  private ObjectNode assignment(Links links, String group, GroupCoordinator.MemberDescription m, TopicPartition tp) {
    ObjectNode node = resource("KafkaConsumerAssignment",
        links.group(group, "/consumers/" + m.memberId() + "/assignments/" + tp.topic() + "/partitions/" + tp.partition()));
    node.put("cluster_id", settings.clusterId()).put("consumer_group_id", group).put("consumer_id", m.memberId())
        .put("topic_name", tp.topic()).put("partition_id", tp.partition());
    node.set("partition", related(links.topic(tp.topic(), "/partitions/" + tp.partition())));
    node.set("lag", related(links.group(group, "/lags")));
    return node;
  }

  /** Per committed partition: the committed offset, the log end and the lag, with the member that holds the partition. */
  private CompletionStage<HttpResponse> lags(Links links, String group) {
    return groupWithLag(group).thenApply(gl -> {
      Map<TopicPartition, GroupLag.PartitionLag> sorted = new java.util.TreeMap<>(Ordering.TOPIC_PARTITION);
      sorted.putAll(gl.lag().partitions());
      List<ObjectNode> data = new ArrayList<>();
      sorted.forEach((tp, lag) -> data.add(lag(links, gl, tp, lag)));
      return ok(list("KafkaConsumerLagList", links.group(group, "/lags"), data));
    });
  }

  private ObjectNode lag(Links links, GroupWithLag gl, TopicPartition tp, GroupLag.PartitionLag lag) {
    ObjectNode node = resource("KafkaConsumerLag", links.group(gl.group().groupId(), "/lags/" + tp.topic() + "/partitions/" + tp.partition()));
    GroupCoordinator.MemberDescription owner = gl.owners().get(tp);
    node.put("cluster_id", settings.clusterId()).put("consumer_group_id", gl.group().groupId()).put("topic_name", tp.topic())
        .put("partition_id", tp.partition()).put("current_offset", lag.committed()).put("log_end_offset", lag.logEndOffset())
        .put("lag", lag.lag()).put("consumer_id", owner == null ? "" : owner.memberId())
        .put("instance_id", owner == null ? null : owner.groupInstanceId()).put("client_id", owner == null ? "" : owner.memberId());
    return node;
  }

  private CompletionStage<HttpResponse> lagSummary(Links links, String group) {
    return groupWithLag(group).thenApply(gl -> {
      ObjectNode node = resource("KafkaConsumerGroupLagSummary", links.group(group, "/lag-summary"));
      node.put("cluster_id", settings.clusterId()).put("consumer_group_id", group);
      Map.Entry<TopicPartition, GroupLag.PartitionLag> max = gl.lag().partitions().entrySet().stream()
          .max((a, b) -> Long.compare(a.getValue().lag(), b.getValue().lag())).orElse(null);
      GroupCoordinator.MemberDescription owner = max == null ? null : gl.owners().get(max.getKey());
      node.put("max_lag_consumer_id", owner == null ? "" : owner.memberId())
          .put("max_lag_instance_id", owner == null ? null : owner.groupInstanceId())
          .put("max_lag_client_id", owner == null ? "" : owner.memberId())
          .put("max_lag_topic_name", max == null ? "" : max.getKey().topic())
          .put("max_lag_partition_id", max == null ? 0 : max.getKey().partition())
          .put("max_lag", max == null ? 0 : max.getValue().lag())
          .put("total_lag", gl.lag().totalLag());
      if (max != null) {
        node.set("max_lag_partition", related(links.topic(max.getKey().topic(), "/partitions/" + max.getKey().partition())));
        if (owner != null) {
          node.set("max_lag_consumer", related(links.group(group, "/consumers/" + owner.memberId())));
        }
      }
      return ok(node);
    });
  }

  private record GroupWithLag(GroupCoordinator.Group group, GroupLag lag, Map<TopicPartition, GroupCoordinator.MemberDescription> owners) {}

  private CompletionStage<GroupWithLag> groupWithLag(String group) {
    return existingGroup(group).thenCompose(g -> courant.groupLag(group).thenApply(lag -> {
      Map<TopicPartition, GroupCoordinator.MemberDescription> owners = new HashMap<>();
      g.members().forEach(m -> m.partitions().forEach(tp -> owners.put(tp, m)));
      return new GroupWithLag(g, lag, owners);
    }));
  }

  /**
   * Resets an empty group's committed offsets ({@code kafka-consumer-groups --reset-offsets}):
   * {@code {"to": "earliest"|"latest"|"timestamp"|"offset", "timestamp"?, "offset"?, "topics"?: [..]}};
   * without topics, every partition the group has committed. 409 if the group has members.
   */
  private CompletionStage<HttpResponse> resetOffsets(Links links, String group, JsonNode body) {
    String to = Json.text(body, "to");
    OffsetSpec spec = switch (to) {
      case "earliest" -> OffsetSpec.earliest();
      case "latest" -> OffsetSpec.latest();
      case "timestamp" -> OffsetSpec.forTimestamp(Json.integer(body, "timestamp"));
      case "offset" -> OffsetSpec.offset(Json.integer(body, "offset"));
      default -> throw ApiError.invalid("to must be earliest, latest, timestamp or offset, not '" + to + "'");
    };
    List<String> topics = body.has("topics") ? Json.list(body, "topics", JsonNode::asText) : null;
    return existingGroup(group).thenCompose(g -> {
      if (!g.members().isEmpty()) {
        throw new ApiError(409, 409, "consumer group '" + group + "' has " + g.members().size()
            + " members: offsets can only be reset while it is empty");
      }
      if (topics == null) {
        return CompletableFuture.completedFuture(List.copyOf(g.offsets().keySet()));
      }
      List<CompletableFuture<TopicDescription>> described = topics.stream().map(t -> courant.describeTopic(t).toCompletableFuture()).toList();
      return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
        List<TopicPartition> partitions = new ArrayList<>();
        described.forEach(d -> {
          for (int p = 0; p < d.join().partitions(); p++) {
            partitions.add(new TopicPartition(d.join().name(), p));
          }
        });
        return partitions;
      });
    }).thenCompose(partitions -> courant.resetOffsets(group, partitions, spec)).thenApply(offsets -> {
      ArrayNode data = Json.array();
      offsets.forEach((tp, offset) -> data.addObject().put("topic_name", tp.topic()).put("partition_id", tp.partition()).put("offset", offset));
      ObjectNode node = resource("KafkaConsumerGroupOffsetReset", links.group(group, "/offsets:reset"));
      node.put("cluster_id", settings.clusterId()).put("consumer_group_id", group).set("data", data);
      return ok(node);
    });
  }

  // ---- envelopes

  private HttpResponse ok(JsonNode body) {
    return Responses.ok(body, Responses.JSON);
  }

  private static ObjectNode resource(String kind, String self) {
    ObjectNode node = Json.object().put("kind", kind);
    node.putObject("metadata").put("self", self);
    return node;
  }

  private static ObjectNode list(String kind, String self, List<? extends JsonNode> data) {
    ObjectNode node = Json.object().put("kind", kind);
    node.putObject("metadata").put("self", self).putNull("next");
    node.putArray("data").addAll(data);
    return node;
  }

  private static ObjectNode related(String url) {
    return Json.object().put("related", url);
  }

  /** The absolute URLs of this request's server. */
  private record Links(String base, String clusterId) {
    Links(Uri uri, String clusterId) {
      this(uri.scheme() + "://" + uri.host().address() + ":" + uri.port() + "/v3/clusters", clusterId);
    }

    String clusters() {
      return base;
    }

    String cluster(String path) {
      return base + "/" + clusterId + path;
    }

    String topic(String topic, String path) {
      return cluster("/topics/" + topic + path);
    }

    String group(String group, String path) {
      return cluster("/consumer-groups/" + group + path);
    }
  }
}
