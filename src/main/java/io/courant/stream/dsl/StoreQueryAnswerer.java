package io.courant.stream.dsl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courant.stream.dsl.internal.DeferredSerde;
import io.courant.stream.dsl.internal.StoreQueryRegistry;
import io.courant.stream.dsl.internal.StoreQueryRegistry.Kind;
import io.courant.stream.dsl.internal.StoreQueryRegistry.StoreAnswer;
import io.courant.stream.dsl.internal.StoreQueryRegistry.StoreQuery;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.TextCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers the HTTP API's store queries for one {@link CourantStreams} instance through its Java
 * interactive-query API, with keys and values converted to and from text by their serdes ({@link
 * TextCodec}).
 */
final class StoreQueryAnswerer implements StoreQueryRegistry.Answerer {
  private final CourantStreams streams;
  private final Map<String, StoreSpec> stores;
  private final StreamsConfig config;

  StoreQueryAnswerer(CourantStreams streams, Map<String, StoreSpec> stores, StreamsConfig config) {
    this.streams = streams;
    this.stores = stores;
    this.config = config;
  }

  /** Names the topology generated ({@code KSTREAM-AGGREGATE-STATE-STORE-0000000003}, join and suppress stores). */
  private static final java.util.regex.Pattern GENERATED = java.util.regex.Pattern.compile(".*-\\d{10}(-.*)?");

  /**
   * The stores a user can query, as in Kafka Streams: those named with {@link Materialized#as} (or
   * added with {@link StreamsBuilder#addStateStore}), key-value and window stores, not the internal
   * ones (generated names, raw records of sliding windows, join buffers).
   */
  List<StoreSpec> queryable() {
    return stores.values().stream()
        .filter(s -> s.type() != StoreSpec.Type.SESSION && !s.retainDuplicates() && !GENERATED.matcher(s.name()).matches())
        .filter(s -> !(s.keySerde() instanceof DeferredSerde) && !(s.valueSerde() instanceof DeferredSerde))
        .toList();
  }

  @Override
  public CompletionStage<StoreAnswer> answer(StoreQuery q) {
    if (q.kind() == Kind.STORES) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      for (StoreSpec s : queryable()) {
        list.addObject().put("name", s.name()).put("type", typeName(s.type()))
            .put("key_format", TextCodec.kind(keySerde(s)));
      }
      return done(StoreAnswer.ok(TextCodec.text(list)));
    }
    StoreSpec spec = queryable().stream().filter(s -> s.name().equals(q.store())).findFirst().orElse(null);
    if (spec == null) {
      return done(StoreAnswer.error(404, 40411, "streams application '" + config.applicationId() + "' has no queryable store named '"
          + q.store() + "'; its stores: " + queryable().stream().map(StoreSpec::name).toList()));
    }
    StoreSpec.Type wanted = q.kind() == Kind.GET || q.kind() == Kind.RANGE ? StoreSpec.Type.KEY_VALUE : StoreSpec.Type.WINDOW;
    if (spec.type() != wanted) {
      return done(StoreAnswer.error(422, 42210, "store '" + q.store() + "' is a " + typeName(spec.type()) + " store: "
          + (spec.type() == StoreSpec.Type.WINDOW ? "read it with .../keys/{key}/windows or .../windows" : "read it with .../keys[/{key}]")));
    }
    try {
      return switch (q.kind()) {
        case GET -> get(spec, q);
        case RANGE -> range(spec, q);
        case FETCH -> fetch(spec, q);
        default -> fetchAll(spec, q);
      };
    } catch (IllegalArgumentException e) {
      return done(StoreAnswer.error(422, 42211, e.getMessage()));
    }
  }

  private CompletionStage<StoreAnswer> get(StoreSpec spec, StoreQuery q) {
    Object key = TextCodec.parse(keySerde(spec), q.key(), spec.name());
    return streams.keyValueStore(spec.name()).get(key).thenApply(v -> v == null
        ? StoreAnswer.error(404, 40412, "store '" + spec.name() + "' has no value for key " + q.key())
        : StoreAnswer.ok(TextCodec.text(entry(spec, key, v))));
  }

  private CompletionStage<StoreAnswer> range(StoreSpec spec, StoreQuery q) {
    Object from = q.from() == null ? null : TextCodec.parse(keySerde(spec), q.from(), spec.name());
    Object to = q.to() == null ? null : TextCodec.parse(keySerde(spec), q.to(), spec.name());
    return streams.keyValueStore(spec.name()).range(from, to).thenApply(entries -> {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      entries.forEach(kv -> list.add(entry(spec, kv.key(), kv.value())));
      return StoreAnswer.ok(TextCodec.text(list));
    });
  }

  private CompletionStage<StoreAnswer> fetch(StoreSpec spec, StoreQuery q) {
    Object key = TextCodec.parse(keySerde(spec), q.key(), spec.name());
    return streams.windowStore(spec.name()).fetch(key, q.timeFrom(), q.timeTo()).thenApply(windows -> {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      windows.forEach(w -> list.add(window(spec, key, w.key(), w.value())));
      return StoreAnswer.ok(TextCodec.text(list));
    });
  }

  private CompletionStage<StoreAnswer> fetchAll(StoreSpec spec, StoreQuery q) {
    return streams.windowStore(spec.name()).fetchAll(q.timeFrom(), q.timeTo()).thenApply(windows -> {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      windows.forEach(w -> list.add(window(spec, w.key().key(), w.key().window().start(), w.value())));
      return StoreAnswer.ok(TextCodec.text(list));
    });
  }

  private ObjectNode entry(StoreSpec spec, Object key, Object value) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.set("key", TextCodec.json(keySerde(spec), key, spec.name()));
    e.set("value", TextCodec.json(valueSerde(spec), value, spec.name()));
    return e;
  }

  private ObjectNode window(StoreSpec spec, Object key, long start, Object value) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.set("key", TextCodec.json(keySerde(spec), key, spec.name()));
    e.put("start", start).put("end", start + spec.windowSizeMs());
    e.set("value", TextCodec.json(valueSerde(spec), value, spec.name()));
    return e;
  }

  private Serde<?> keySerde(StoreSpec spec) {
    return spec.keySerde() != null ? spec.keySerde() : config.defaultKeySerde();
  }

  private Serde<?> valueSerde(StoreSpec spec) {
    return spec.valueSerde() != null ? spec.valueSerde() : config.defaultValueSerde();
  }

  private static String typeName(StoreSpec.Type type) {
    return type == StoreSpec.Type.KEY_VALUE ? "key-value" : type.name().toLowerCase();
  }

  private static CompletionStage<StoreAnswer> done(StoreAnswer answer) {
    return CompletableFuture.completedFuture(answer);
  }
}
