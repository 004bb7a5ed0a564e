package io.courant.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.courant.client.Courant;
import io.courant.client.Partitioner;
import io.courant.client.ProducerRecord;
import io.courant.client.RecordMetadata;
import io.courant.log.Header;
import io.courant.topic.TopicDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Produce over HTTP: {@code POST /topics/{t}} and {@code POST /topics/{t}/partitions/{p}} with
 * {@code {"records": [{key, value, partition?, timestamp?, headers?}]}} in the format the request's
 * content type names.
 *
 * <p>The whole request is checked first (format, JSON, Base64, partitions, timestamps): a bad
 * request is refused and nothing of it is written. The records then go out one batch per partition
 * (keyed records by Kafka's murmur2, unkeyed ones to one partition per request), and the answer has
 * one entry per record, in request order: its {@code {partition, offset}}, or the {@code
 * {error_code, message}} of its partition's batch. With {@code ?async=true} the answer is 204 as
 * soon as the request is accepted.
 */
public final class ProduceHandler {
  private final ActorSystem<?> system;
  private final Courant courant;
  private final HttpMetrics metrics;
  private final Partitioner partitioner = new Partitioner();

  public ProduceHandler(ActorSystem<?> system, HttpMetrics metrics) {
    this.system = system;
    this.courant = Courant.get(system);
    this.metrics = metrics;
  }

  public CompletionStage<HttpResponse> produce(HttpRequest request, String topic, Integer partition, JsonNode body) {
    String mediaType = request.entity().getContentType().mediaType().toString();
    RecordFormat format = RecordFormat.ofMediaType(mediaType);
    if (format == null) {
      throw new ApiError(415, 415, "produce requests take application/vnd.kafka.json.v2+json, "
          + "application/vnd.kafka.binary.v2+json or application/vnd.kafka.text.v2+json, not " + mediaType);
    }
    List<ProducerRecord> records = Json.list(body, "records", r -> record(topic, partition, format, r));
    boolean async = request.getUri().query().get("async").map(Boolean::parseBoolean).orElse(false);
    // The node's cached metadata, as the send itself uses: no round trip to the topic controller per request.
    return courant.cachedTopic(topic).thenCompose(t -> {
      List<ProducerRecord> placed = place(t, records);
      List<CompletableFuture<List<RecordMetadata>>> sends = send(t, placed, async);
      if (async) {
        return CompletableFuture.completedFuture(Responses.noContent());
      }
      return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).handle((v, ignored) -> answer(placed, sends));
    });
  }

  private static ProducerRecord record(String topic, Integer pathPartition, RecordFormat format, JsonNode r) {
    Json.requireObject(r);
    Long partition = Json.optionalInteger(r, "partition");
    if (pathPartition != null && partition != null && partition.intValue() != pathPartition) {
      throw ApiError.invalid("a record for partition " + pathPartition + " names partition " + partition);
    }
    if (partition != null && partition < 0) {
      throw ApiError.invalid("partition must be >= 0, not " + partition);
    }
    Long timestamp = Json.optionalInteger(r, "timestamp");
    if (timestamp != null && timestamp < 0) {
      throw ApiError.invalid("timestamp must be >= 0 (ms since the epoch), not " + timestamp);
    }
    List<Header> headers = new ArrayList<>();
    JsonNode hs = r.get("headers");
    if (hs != null && !hs.isNull()) {
      if (!hs.isArray()) {
        throw ApiError.malformed("headers must be an array of {key, value}");
      }
      for (JsonNode h : hs) {
        JsonNode v = h.get("value");
        headers.add(new Header(Json.text(h, "key"), v == null || v.isNull() ? null : RecordFormat.base64(v, "a header value")));
      }
    }
    Integer p = pathPartition != null ? pathPartition : partition == null ? null : partition.intValue();
    return new ProducerRecord(topic, p, timestamp, format.decode(r.get("key"), "key"), format.decode(r.get("value"), "value"), headers);
  }

  /** Every record with its partition: checked when given, by key, or one sticky partition for the unkeyed. */
  private List<ProducerRecord> place(TopicDescription t, List<ProducerRecord> records) {
    List<ProducerRecord> placed = new ArrayList<>(records.size());
    int[] sticky = {-1};
    for (ProducerRecord r : records) {
      int p = partitioner.partitionFor(r, t.partitions(), sticky);
      if (p < 0) {
        throw ApiError.notFound(40402, "partition " + r.partition() + " of topic '" + t.name()
            + "' does not exist: it has partitions 0 to " + (t.partitions() - 1));
      }
      placed.add(r.withPartition(p));
    }
    return placed;
  }

  /** One send per partition; the futures in partition order of first appearance. */
  private List<CompletableFuture<List<RecordMetadata>>> send(TopicDescription t, List<ProducerRecord> placed, boolean async) {
    Map<Integer, List<ProducerRecord>> byPartition = new LinkedHashMap<>();
    for (ProducerRecord r : placed) {
      byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
    }
    List<CompletableFuture<List<RecordMetadata>>> sends = new ArrayList<>();
    byPartition.forEach((p, batch) -> {
      long bytes = 0;
      for (ProducerRecord r : batch) {
        bytes += size(r);
      }
      long batchBytes = bytes;
      sends.add(courant.sendAll(batch, courant.settings().acks()).toCompletableFuture()
          .whenComplete((md, failure) -> {
            if (failure == null) {
              metrics.produced(t.name(), p, batch.size(), batchBytes);
            } else if (async) { // nobody else hears of it
              system.log().warn("HTTP produce (async=true) of {} records to {}-{} failed: {}", batch.size(), t.name(), p, failure.toString());
            }
          }));
    });
    return sends;
  }

  private static HttpResponse answer(List<ProducerRecord> placed, List<CompletableFuture<List<RecordMetadata>>> sends) {
    Map<Integer, CompletableFuture<List<RecordMetadata>>> byPartition = new LinkedHashMap<>();
    Map<Integer, Integer> seen = new LinkedHashMap<>();
    int i = 0;
    for (ProducerRecord r : placed) {
      if (!byPartition.containsKey(r.partition())) {
        byPartition.put(r.partition(), sends.get(i++));
      }
    }
    ArrayNode offsets = Json.array();
    for (ProducerRecord r : placed) {
      CompletableFuture<List<RecordMetadata>> send = byPartition.get(r.partition());
      int k = seen.merge(r.partition(), 1, Integer::sum) - 1;
      if (send.isCompletedExceptionally()) {
        ApiError e = Responses.apiError(send.handle((ok, failure) -> failure).join());
        offsets.add(Responses.errorBody(e.errorCode(), e.getMessage()));
      } else {
        RecordMetadata md = send.join().get(k);
        offsets.addObject().put("partition", md.partition()).put("offset", md.offset());
      }
    }
    return Responses.ok(Json.object().set("offsets", offsets), Responses.V2);
  }

  static long size(ProducerRecord r) {
    return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
  }
}
