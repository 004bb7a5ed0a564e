package io.courant.http.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courant.client.ConsumerRecord;
import io.courant.client.ConsumerSettings;
import io.courant.client.Courant;
import io.courant.client.TopicPartition;
import io.courant.http.HttpSettings;
import io.courant.http.internal.ConsumerInstance.Command;
import io.courant.http.internal.ConsumerInstance.Reply;
import io.courant.log.Header;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bridge's consumer endpoints under {@code /consumers/{group}}: create an instance, then
 * through {@code /instances/{name}}: subscription, assignments, records, offsets, positions, delete.
 * Each call is a request to the instance's entity ({@link ConsumerInstance}), wherever it runs.
 */
public final class ConsumerRoutes extends RouteSupport {
  /** Create-body keys that are the bridge's own, not Kafka consumer settings. */
  private static final Set<String> BRIDGE_KEYS = Set.of("name", "format", "consumer.request.timeout.ms", "fetch.min.bytes",
      "isolation.level", "auto.commit.enable");

  private final ClusterSharding sharding;
  private final HttpMetrics metrics;
  private final Duration requestTimeout;

  public ConsumerRoutes(ActorSystem<?> system, HttpSettings settings, HttpMetrics metrics) {
    super(system, settings, Responses.V2);
    this.sharding = ClusterSharding.get(system);
    this.metrics = metrics;
    this.requestTimeout = Courant.get(system).settings().requestTimeout();
  }

  public Route routes() {
    return pathPrefix("consumers", () -> pathPrefix(segment(), group -> concat(
        pathEnd(() -> post(() -> withRequestBody((request, body) -> create(request, group, body)))),
        pathPrefix(segment("instances").slash(segment()), name -> concat(
            pathEnd(() -> delete(() -> respond(() -> call(group, name, ConsumerInstance.Delete::new, this::noContent)))),
            path("subscription", () -> concat(
                post(() -> withBody(body -> subscribe(group, name, body))),
                get(() -> respond(() -> call(group, name, ConsumerInstance.GetSubscription::new, this::subscription))),
                delete(() -> respond(() -> call(group, name, ConsumerInstance.Unsubscribe::new, this::noContent))))),
            path("assignments", () -> concat(
                post(() -> withBody(body -> call(group, name,
                    r -> new ConsumerInstance.Assign(partitions(body), r), this::noContent))),
                get(() -> respond(() -> call(group, name, ConsumerInstance.GetAssignment::new,
                    reply -> Responses.ok(Json.object().set("partitions",
                        partitionsJson(((ConsumerInstance.Partitions) reply).partitions())), Responses.V2)))))),
            path("records", () -> get(() -> extractRequest(request -> respond(() -> records(request, group, name))))),
            path("offsets", () -> concat(
                post(() -> withBody(body -> commit(group, name, body))),
                get(() -> withBody(body -> call(group, name,
                    r -> new ConsumerInstance.GetCommitted(body.has("partitions") ? partitions(body) : List.of(), r),
                    this::committed))))),
            pathPrefix("positions", () -> concat(
                pathEnd(() -> post(() -> withBody(body -> call(group, name,
                    r -> new ConsumerInstance.Seek(Json.list(body, "offsets", ConsumerRoutes::seekTarget), r), this::noContent)))),
                path("beginning", () -> post(() -> withBody(body -> call(group, name,
                    r -> new ConsumerInstance.SeekToBeginning(partitions(body), r), this::noContent)))),
                path("end", () -> post(() -> withBody(body -> call(group, name,
                    r -> new ConsumerInstance.SeekToEnd(partitions(body), r), this::noContent)))))))))));
  }

  // ---- create

  private CompletionStage<HttpResponse> create(HttpRequest request, String group, JsonNode body) {
    Json.requireObject(body);
    String name = body.has("name") ? Json.text(body, "name") : "courant-" + UUID.randomUUID();
    if (name.isEmpty()) {
      throw new ApiError(422, 42204, "name must not be empty");
    }
    String format = body.has("format") ? Json.text(body, "format") : "binary";
    RecordFormat.named(format);
    long pollTimeoutMs = settings.defaultPollTimeout().toMillis();
    Map<String, String> configs = new LinkedHashMap<>();
    for (var it = body.fields(); it.hasNext(); ) {
      var e = it.next();
      String key = e.getKey();
      String value = e.getValue().asText();
      switch (key) {
        case "consumer.request.timeout.ms" -> pollTimeoutMs = pollTimeout(value);
        case "auto.commit.enable" -> configs.put("enable.auto.commit", value);
        case "isolation.level" -> {
          if (!value.equals("read_uncommitted") && !value.equals("read_committed")) {
            throw new ApiError(422, 42204, "isolation.level must be read_uncommitted or read_committed, not '" + value + "'");
          }
        }
        default -> {
          if (!BRIDGE_KEYS.contains(key)) {
            if (key.equals("group.id")) {
              throw new ApiError(422, 42204, "the group is the path's, not a config: remove group.id");
            }
            configs.put(key, value);
          }
        }
      }
    }
    checkConsumerConfigs(group, configs);
    long timeout = pollTimeoutMs;
    return call(group, name, r -> new ConsumerInstance.Create(group, name, format, configs, timeout, r), reply -> {
      Uri uri = request.getUri();
      String base = uri.scheme() + "://" + uri.host().address() + ":" + uri.port() + "/consumers/" + encode(group) + "/instances/"
          + encode(name);
      return Responses.ok(Json.object().put("instance_id", name).put("base_uri", base), Responses.V2);
    });
  }

  private static void checkConsumerConfigs(String group, Map<String, String> configs) {
    ConsumerSettings s = ConsumerSettings.create(group);
    try {
      for (Map.Entry<String, String> e : configs.entrySet()) {
        s = s.with(e.getKey(), e.getValue());
      }
    } catch (IllegalArgumentException e) {
      throw new ApiError(422, 42204, e.getMessage());
    }
  }

  private long pollTimeout(String value) {
    try {
      long ms = Long.parseLong(value);
      if (ms >= 0 && ms <= settings.maxPollTimeout().toMillis()) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ApiError(422, 42204, "consumer.request.timeout.ms must be between 0 and " + settings.maxPollTimeout().toMillis()
        + " (courant.http.consumer.max-poll-timeout), not '" + value + "'");
  }

  // ---- subscription

  private CompletionStage<HttpResponse> subscribe(String group, String name, JsonNode body) {
    Json.requireObject(body);
    boolean byTopics = body.has("topics");
    boolean byPattern = body.has("topic_pattern");
    if (byTopics == byPattern) {
      throw byTopics
          ? new ApiError(409, 409, "subscribe to topics or to a topic_pattern, not both")
          : ApiError.invalid("the body must name \"topics\" or a \"topic_pattern\"");
    }
    List<String> topics = byTopics ? Json.list(body, "topics", t -> {
      if (!t.isTextual()) {
        throw ApiError.malformed("topics must be strings");
      }
      return t.textValue();
    }) : List.of();
    String pattern = byPattern ? Json.text(body, "topic_pattern") : null;
    if (byTopics && topics.isEmpty()) {
      throw ApiError.invalid("topics must not be empty");
    }
    return call(group, name, r -> new ConsumerInstance.Subscribe(topics, pattern, r), this::noContent);
  }

  private HttpResponse subscription(Reply reply) {
    ConsumerInstance.SubscriptionInfo info = (ConsumerInstance.SubscriptionInfo) reply;
    ObjectNode body = Json.object();
    ArrayNode topics = body.putArray("topics");
    info.topics().forEach(topics::add);
    if (info.pattern() != null) {
      body.put("topic_pattern", info.pattern());
    }
    Map<String, ArrayNode> byTopic = new LinkedHashMap<>();
    ArrayNode partitions = body.putArray("partitions");
    for (TopicPartition tp : info.assignment()) {
      byTopic.computeIfAbsent(tp.topic(), t -> partitions.addObject().putArray(t)).add(tp.partition());
    }
    return Responses.ok(body, Responses.V2);
  }

  // ---- records

  private CompletionStage<HttpResponse> records(HttpRequest request, String group, String name) {
    var query = request.getUri().query();
    long timeout = query.get("timeout").map(v -> queryLong("timeout", v, 0, settings.maxPollTimeout().toMillis())).orElse(-1L);
    long maxBytes = query.get("max_bytes").map(v -> queryLong("max_bytes", v, 1, Long.MAX_VALUE)).orElse(settings.defaultMaxBytes());
    String accepted = acceptedFormat(request);
    Duration askTimeout = requestTimeout.plus(timeout < 0 ? settings.maxPollTimeout() : Duration.ofMillis(timeout));
    return ask(group, name, r -> new ConsumerInstance.Poll(accepted, timeout, maxBytes, r), askTimeout).thenApply(reply -> {
      ConsumerInstance.Records records = (ConsumerInstance.Records) checked(reply);
      RecordFormat format = RecordFormat.named(records.format());
      ArrayNode out = Json.array();
      for (ConsumerRecord r : records.records()) {
        out.add(recordJson(r, format));
        metrics.fetched(r.topic(), r.partition(), 1, ConsumerInstance.size(r));
      }
      return Responses.ok(out, format.contentType());
    });
  }

  static ObjectNode recordJson(ConsumerRecord r, RecordFormat format) {
    ObjectNode node = Json.object().put("topic", r.topic());
    node.set("key", format.encode(r.key()));
    node.set("value", format.encode(r.value()));
    node.put("partition", r.partition()).put("offset", r.offset()).put("timestamp", r.timestamp());
    ArrayNode headers = node.putArray("headers");
    for (Header h : r.headers()) {
      ObjectNode header = headers.addObject().put("key", h.key());
      if (h.value() == null) {
        header.putNull("value");
      } else {
        header.put("value", Base64.getEncoder().encodeToString(h.value()));
      }
    }
    return node;
  }

  /** The record format the Accept header asks for: null for any (no header, or a wildcard). */
  private static String acceptedFormat(HttpRequest request) {
    var accept = request.getHeader("Accept");
    if (accept.isEmpty()) {
      return null;
    }
    String value = accept.get().value();
    for (String part : value.split(",")) {
      RecordFormat f = RecordFormat.ofMediaType(part);
      if (f != null) {
        return f.formatName();
      }
    }
    for (String part : value.split(",")) {
      String m = part.split(";")[0].trim();
      if (m.equals("*/*") || m.equals("application/*")) {
        return null;
      }
    }
    return value.trim();
  }

  private static long queryLong(String name, String value, long min, long max) {
    try {
      long v = Long.parseLong(value);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      throw ApiError.malformed(name + " must be an integer, not '" + value + "'");
    }
    throw ApiError.invalid(name + " must be between " + min + " and " + max + ", not " + value);
  }

  // ---- offsets

  private CompletionStage<HttpResponse> commit(String group, String name, JsonNode body) {
    List<ConsumerInstance.PartitionOffset> offsets = body.isObject() && body.has("offsets")
        ? Json.list(body, "offsets", o -> new ConsumerInstance.PartitionOffset(partition(o), nonNegative(o, "offset")))
        : List.of();
    return call(group, name, r -> new ConsumerInstance.Commit(offsets, r), this::noContent);
  }

  private HttpResponse committed(Reply reply) {
    ArrayNode offsets = Json.array();
    for (ConsumerInstance.PartitionOffset o : ((ConsumerInstance.Committed) reply).offsets()) {
      offsets.addObject().put("topic", o.partition().topic()).put("partition", o.partition().partition())
          .put("offset", o.offset()).put("metadata", "");
    }
    return Responses.ok(Json.object().set("offsets", offsets), Responses.V2);
  }

  private static ConsumerInstance.SeekTarget seekTarget(JsonNode o) {
    TopicPartition tp = partition(o);
    if (o.has("offset")) {
      return new ConsumerInstance.SeekTarget(tp, nonNegative(o, "offset"), null);
    }
    if (o.has("timestamp")) {
      return new ConsumerInstance.SeekTarget(tp, null, nonNegative(o, "timestamp"));
    }
    throw ApiError.malformed("each entry needs an offset or a timestamp");
  }

  // ---- plumbing

  private static List<TopicPartition> partitions(JsonNode body) {
    return Json.list(body, "partitions", ConsumerRoutes::partition);
  }

  static TopicPartition partition(JsonNode node) {
    Json.requireObject(node);
    long p = Json.integer(node, "partition");
    if (p < 0 || p > Integer.MAX_VALUE) {
      throw ApiError.invalid("partition must be >= 0, not " + p);
    }
    return new TopicPartition(Json.text(node, "topic"), (int) p);
  }

  private static long nonNegative(JsonNode node, String field) {
    long v = Json.integer(node, field);
    if (v < 0) {
      throw ApiError.invalid(field + " must be >= 0, not " + v);
    }
    return v;
  }

  static ArrayNode partitionsJson(List<TopicPartition> partitions) {
    ArrayNode out = Json.array();
    partitions.forEach(tp -> out.addObject().put("topic", tp.topic()).put("partition", tp.partition()));
    return out;
  }

  private HttpResponse noContent(Reply reply) {
    return Responses.noContent();
  }

  private CompletionStage<HttpResponse> call(String group, String name, Function<ActorRef<Reply>, Command> command,
      Function<Reply, HttpResponse> answer) {
    return ask(group, name, command, requestTimeout.multipliedBy(2)).thenApply(reply -> answer.apply(checked(reply)));
  }

  private CompletionStage<Reply> ask(String group, String name, Function<ActorRef<Reply>, Command> command, Duration timeout) {
    return sharding.entityRefFor(ConsumerInstance.ENTITY_KEY, ConsumerInstance.entityId(group, name)).ask(command::apply, timeout);
  }

  /** The reply, or the error of a rejection: the instance's refusals as the bridge's statuses and codes. */
  private static Reply checked(Reply reply) {
    if (reply instanceof ConsumerInstance.Rejected r) {
      throw switch (r.problem()) {
        case NOT_FOUND -> ApiError.notFound(40403, r.message());
        case EXISTS -> new ApiError(409, 40902, r.message());
        case CONFLICT -> new ApiError(409, 409, r.message());
        case INVALID -> new ApiError(422, 42204, r.message());
        case FORMAT_MISMATCH -> new ApiError(406, 40601, r.message());
        case TOO_LARGE -> new ApiError(422, 422, r.message());
        case FAILED -> Responses.fromCode(r.code(), r.message());
      };
    }
    return reply;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
