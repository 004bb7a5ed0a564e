package io.courant.kafka.internal;

import io.courant.client.Courant;
import io.courant.kafka.KafkaSettings;
import io.courant.topic.TopicSettings;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The APIs Courant serves over Kafka's protocol, with the versions it accepts, and the dispatch of
 * one request frame to its handler. Requests Kafka's broker would not answer (unknown API key,
 * unsupported version, unreadable bytes) fail the returned stage with {@link
 * MalformedRequestException}: the connection is closed. The one exception is ApiVersions in a
 * version too new, which is answered in v0 with UNSUPPORTED_VERSION so the client can retry lower.
 */
final class KafkaApis {
  /** A request's handler; a stage completed with null sends no response (Produce with acks=0). */
  @FunctionalInterface
  interface Handler {
    CompletionStage<ApiMessage> handle(KafkaRequest request);
  }

  private record Api(short minVersion, short maxVersion, Handler handler) {}

  private static final Logger LOG = LoggerFactory.getLogger(KafkaApis.class);

  private final Map<ApiKeys, Api> apis;
  private final KafkaRequestMetrics metrics;
  private final ApiVersionsResponseData.ApiVersionCollection advertised = new ApiVersionsResponseData.ApiVersionCollection();

  KafkaApis(ActorSystem<?> system, Courant courant, KafkaSettings settings, Brokers brokers, TopicSettings topicSettings) {
    this.metrics = KafkaRequestMetrics.get(system);
    TopicCatalog catalog = new TopicCatalog(courant);
    ClusterApis cluster = new ClusterApis(courant, settings, brokers, catalog, topicSettings.defaultPartitions());
    ProduceApis produce = new ProduceApis(courant, catalog, brokers);
    FetchApis fetch = new FetchApis(courant, catalog, brokers);
    GroupApis groups = new GroupApis(courant, settings, catalog);
    AdminApis admin = new AdminApis(courant, system, topicSettings.defaults());
    Map<ApiKeys, Api> m = new EnumMap<>(ApiKeys.class);
    m.put(ApiKeys.API_VERSIONS, all(ApiKeys.API_VERSIONS, this::apiVersions));
    m.put(ApiKeys.METADATA, all(ApiKeys.METADATA, cluster::metadata));
    m.put(ApiKeys.FIND_COORDINATOR, all(ApiKeys.FIND_COORDINATOR, cluster::findCoordinator));
    m.put(ApiKeys.DESCRIBE_CLUSTER, all(ApiKeys.DESCRIBE_CLUSTER, cluster::describeCluster));
    // Produce is advertised from v0 although only v3+ can be parsed (kafka-clients 4 dropped v0-2):
    // librdkafka silently turns compression off against a broker whose Produce starts above v0.
    m.put(ApiKeys.PRODUCE, new Api((short) 0, ApiKeys.PRODUCE.latestVersion(), produce::produce));
    m.put(ApiKeys.INIT_PRODUCER_ID, all(ApiKeys.INIT_PRODUCER_ID, produce::initProducerId));
    m.put(ApiKeys.FETCH, all(ApiKeys.FETCH, fetch::fetch));
    m.put(ApiKeys.LIST_OFFSETS, all(ApiKeys.LIST_OFFSETS, fetch::listOffsets));
    m.put(ApiKeys.JOIN_GROUP, all(ApiKeys.JOIN_GROUP, groups::joinGroup));
    m.put(ApiKeys.SYNC_GROUP, all(ApiKeys.SYNC_GROUP, groups::syncGroup));
    m.put(ApiKeys.HEARTBEAT, all(ApiKeys.HEARTBEAT, groups::heartbeat));
    m.put(ApiKeys.LEAVE_GROUP, all(ApiKeys.LEAVE_GROUP, groups::leaveGroup));
    m.put(ApiKeys.OFFSET_COMMIT, all(ApiKeys.OFFSET_COMMIT, groups::offsetCommit));
    m.put(ApiKeys.OFFSET_FETCH, all(ApiKeys.OFFSET_FETCH, groups::offsetFetch));
    m.put(ApiKeys.OFFSET_DELETE, all(ApiKeys.OFFSET_DELETE, groups::offsetDelete));
    m.put(ApiKeys.DESCRIBE_GROUPS, all(ApiKeys.DESCRIBE_GROUPS, groups::describeGroups));
    m.put(ApiKeys.LIST_GROUPS, all(ApiKeys.LIST_GROUPS, groups::listGroups));
    m.put(ApiKeys.DELETE_GROUPS, all(ApiKeys.DELETE_GROUPS, groups::deleteGroups));
    m.put(ApiKeys.CREATE_TOPICS, all(ApiKeys.CREATE_TOPICS, admin::createTopics));
    m.put(ApiKeys.DELETE_TOPICS, all(ApiKeys.DELETE_TOPICS, admin::deleteTopics));
    m.put(ApiKeys.CREATE_PARTITIONS, all(ApiKeys.CREATE_PARTITIONS, admin::createPartitions));
    m.put(ApiKeys.DESCRIBE_CONFIGS, all(ApiKeys.DESCRIBE_CONFIGS, admin::describeConfigs));
    m.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, all(ApiKeys.INCREMENTAL_ALTER_CONFIGS, admin::incrementalAlterConfigs));
    m.put(ApiKeys.DELETE_RECORDS, all(ApiKeys.DELETE_RECORDS, admin::deleteRecords));
    this.apis = Collections.unmodifiableMap(m);
    apis.forEach((key, api) -> advertised.add(new ApiVersionsResponseData.ApiVersion()
        .setApiKey(key.id).setMinVersion(api.minVersion()).setMaxVersion(api.maxVersion())));
  }

  private static Api all(ApiKeys key, Handler handler) {
    return new Api(key.oldestVersion(), key.latestVersion(), handler);
  }

  /**
   * Answers one request frame (without its length prefix).
   *
   * @return the response frame (with its length prefix), or empty when the request gets none
   */
  CompletionStage<Optional<ByteBuffer>> handle(ByteBuffer frame, ConnectionContext connection) {
    long start = System.nanoTime();
    try {
      short key = Wire.apiKey(frame);
      if (key < 0 || !ApiKeys.hasId(key) || !apis.containsKey(ApiKeys.forId(key))) {
        throw new MalformedRequestException("unknown or unsupported API key " + key);
      }
      ApiKeys api = ApiKeys.forId(key);
      short version = Wire.apiVersion(frame);
      Api served = apis.get(api);
      if (version < served.minVersion() || version > served.maxVersion() || version < api.oldestVersion()) {
        if (api == ApiKeys.API_VERSIONS && version > served.maxVersion()) {
          return CompletableFuture.completedFuture(Optional.of(Wire.serialize(api, (short) 0, Wire.correlationId(frame),
              unsupportedApiVersions())));
        }
        throw new MalformedRequestException(api + " v" + version + " is not supported (v" + served.minVersion() + " to v"
            + served.maxVersion() + ")");
      }
      KafkaRequest request = Wire.parse(api, frame, connection);
      return answer(served.handler(), request)
          .exceptionally(failure -> errorResponse(request, failure))
          .thenApply(body -> {
            Optional<ByteBuffer> response = body == null ? Optional.empty()
                : Optional.of(Wire.serialize(api, request.version(), request.correlationId(), body));
            metrics.observe(api.name, System.nanoTime() - start);
            return response;
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e instanceof MalformedRequestException ? e
          : new MalformedRequestException("cannot handle request: " + e, e));
    }
  }

  /** The handler's answer; a handler that throws answers with the error, as Kafka's broker does. */
  private static CompletionStage<ApiMessage> answer(Handler handler, KafkaRequest request) {
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Kafka's generic error response of the request's API: the failure's code on every entry. */
  private static ApiMessage errorResponse(KafkaRequest request, Throwable failure) {
    if (KafkaErrors.of(failure) == io.courant.ErrorCode.UNKNOWN_SERVER_ERROR) {
      LOG.warn("{} v{} from client '{}' failed", request.api(), request.version(), request.clientId(), KafkaErrors.unwrap(failure));
    }
    return request.request().getErrorResponse(0, Errors.forCode(KafkaErrors.codeOf(failure)).exception(KafkaErrors.message(failure)))
        .data();
  }

  private CompletionStage<ApiMessage> apiVersions(KafkaRequest r) {
    return CompletableFuture.completedFuture(new ApiVersionsResponseData().setApiKeys(advertised.duplicate()));
  }

  private ApiVersionsResponseData unsupportedApiVersions() {
    Api api = apis.get(ApiKeys.API_VERSIONS);
    ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
    keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
        .setMinVersion(api.minVersion()).setMaxVersion(api.maxVersion()));
    return new ApiVersionsResponseData().setErrorCode(KafkaErrors.code(io.courant.ErrorCode.UNSUPPORTED_VERSION)).setApiKeys(keys);
  }
}
