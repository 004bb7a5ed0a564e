package io.courant.http.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.integerSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.http.HttpSettings;
import io.courant.kafka.internal.ClusterNodes;
import io.courant.topic.TopicDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bridge's topic endpoints: {@code GET /topics}, {@code GET /topics/{t}}, {@code GET
 * /topics/{t}/partitions[/{p}[/offsets]]}, produce ({@code POST /topics/{t}[/partitions/{p}]},
 * {@link ProduceHandler}) and {@code POST /admin/topics}.
 *
 * <p>A partition's leader and only replica is the node whose shard hosts its entity, named by the
 * broker id Kafka's Metadata gives it ({@link ClusterNodes}); its log is in Cassandra.
 */
public final class TopicRoutes extends RouteSupport {
  private final Courant courant;
  private final ProduceHandler produce;

  public TopicRoutes(ActorSystem<?> system, HttpSettings settings, ProduceHandler produce) {
    super(system, settings, Responses.V2);
    this.courant = Courant.get(system);
    this.produce = produce;
  }

  public Route routes() {
    return concat(
        pathPrefix("topics", () -> concat(
            pathEnd(() -> get(() -> respond(this::listTopics))),
            pathPrefix(segment(), this::topicRoutes))),
        path(segment("admin").slash("topics"), () -> post(() -> withBody(this::createTopic))));
  }

  private Route topicRoutes(String topic) {
    return concat(
        pathEnd(() -> concat(
            get(() -> respond(() -> describeTopic(topic))),
            post(() -> withRequestBody((request, body) -> produce.produce(request, topic, null, body))))),
        pathPrefix("partitions", () -> concat(
            pathEnd(() -> get(() -> respond(() -> partitions(topic)))),
            pathPrefix(integerSegment(), p -> concat(
                pathEnd(() -> concat(
                    get(() -> respond(() -> partition(topic, p))),
                    post(() -> withRequestBody((request, body) -> produce.produce(request, topic, p, body))))),
                path("offsets", () -> get(() -> respond(() -> offsets(topic, p)))))))));
  }

  private CompletionStage<HttpResponse> listTopics() {
    return courant.listTopics().thenApply(topics -> {
      ArrayNode names = Json.array();
      topics.stream().map(TopicDescription::name).sorted().forEach(names::add);
      return Responses.ok(names, Responses.V2);
    });
  }

  private CompletionStage<HttpResponse> describeTopic(String topic) {
    return courant.describeTopic(topic).thenCompose(t -> partitionNodes(t).thenCombine(courant.describeConfigs(topic), (parts, configs) -> {
      ObjectNode body = Json.object().put("name", t.name());
      ObjectNode c = body.putObject("configs");
      configs.forEach(c::put);
      body.putArray("partitions").addAll(parts);
      return Responses.ok(body, Responses.V2);
    }));
  }

  private CompletionStage<HttpResponse> partitions(String topic) {
    return courant.describeTopic(topic).thenCompose(this::partitionNodes)
        .thenApply(parts -> Responses.ok(Json.array().addAll(parts), Responses.V2));
  }

  private CompletionStage<HttpResponse> partition(String topic, int partition) {
    return existingPartition(topic, partition).thenCompose(tp -> courant.describeTopic(topic))
        .thenCompose(t -> partitionNode(t, partition)).thenApply(node -> Responses.ok(node, Responses.V2));
  }

  private CompletionStage<List<ObjectNode>> partitionNodes(TopicDescription t) {
    List<CompletableFuture<ObjectNode>> parts = new ArrayList<>();
    for (int p = 0; p < t.partitions(); p++) {
      parts.add(partitionNode(t, p).toCompletableFuture());
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
  }

  /** {@code {partition, leader, replicas:[{broker, leader, in_sync}]}}; leader -1 and no replica while its node is unreachable. */
  private CompletionStage<ObjectNode> partitionNode(TopicDescription t, int partition) {
    return ClusterNodes.get(system).leaderOf(t.topicId(), partition).thenApply(leader -> {
      ObjectNode node = Json.object().put("partition", partition).put("leader", leader.orElse(-1));
      ArrayNode replicas = node.putArray("replicas");
      leader.ifPresent(id -> replicas.addObject().put("broker", id).put("leader", true).put("in_sync", true));
      return node;
    });
  }

  private CompletionStage<HttpResponse> offsets(String topic, int partition) {
    return existingPartition(topic, partition).thenCompose(courant::logStatus).thenApply(status -> Responses.ok(
        Json.object().put("beginning_offset", status.logStartOffset()).put("end_offset", status.highWatermark()), Responses.V2));
  }

  /** The partition, or 404 (40401 no such topic, 40402 no such partition). */
  CompletionStage<TopicPartition> existingPartition(String topic, int partition) {
    return courant.describeTopic(topic).thenApply(t -> {
      if (partition < 0 || partition >= t.partitions()) {
        throw ApiError.notFound(40402, "partition " + partition + " of topic '" + topic + "' does not exist: it has partitions 0 to "
            + (t.partitions() - 1));
      }
      return new TopicPartition(topic, partition);
    });
  }

  /** {@code {"topic_name", "partitions_count", "replication_factor", "configs"?}} → 201. */
  private CompletionStage<HttpResponse> createTopic(JsonNode body) {
    Json.requireObject(body);
    String name = Json.text(body, "topic_name");
    int partitions = body.has("partitions_count") ? Json.intIn(body, "partitions_count", 1, Integer.MAX_VALUE) : 1;
    if (body.has("replication_factor")) {
      Json.intIn(body, "replication_factor", 1, Short.MAX_VALUE); // Cassandra's replication factor applies
    }
    return courant.createTopic(new NewTopic(name, partitions, configs(body.get("configs"))))
        .thenApply(t -> HttpResponse.create().withStatus(201));
  }

  /** Topic configs given as {@code {"name": "value"}} or {@code [{"name": .., "value": ..}]}. */
  static Map<String, String> configs(JsonNode configs) {
    Map<String, String> out = new LinkedHashMap<>();
    if (configs == null || configs.isNull()) {
      return out;
    }
    if (configs.isObject()) {
      configs.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    } else if (configs.isArray()) {
      configs.forEach(c -> out.put(Json.text(c, "name"), c.path("value").asText()));
    } else {
      throw ApiError.malformed("configs must be an object of names to values or an array of {name, value}");
    }
    return out;
  }
}
