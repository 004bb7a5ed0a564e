package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.StateStore;
import io.courant.stream.dsl.StreamsConfig;
import io.courant.stream.dsl.TimestampExtractor;
import java.util.HashMap;
import java.util.Map;

/** A task environment whose defaults come from the application's {@link StreamsConfig}; it also holds the global stores. */
public abstract class ConfigTaskEnv implements TaskEnv {
  private final StreamsConfig config;
  private final StreamsMetricsImpl metrics;
  private final Map<String, StateStore> globalStores = new HashMap<>();
  private final Map<String, MemoryStore> globalByTopic = new HashMap<>();

  protected ConfigTaskEnv(StreamsConfig config, StreamsMetricsImpl metrics, GraphBuilder graph) {
    this.config = config;
    this.metrics = metrics;
    for (GraphBuilder.GlobalSpec g : graph.globals().values()) {
      MemoryStore s = MemoryStore.create(StoreSpec.keyValue(g.storeName(), g.keySerde(), g.valueSerde()),
          serde(g.keySerde(), config.defaultKeySerde(), g.storeName()), serde(g.valueSerde(), config.defaultValueSerde(), g.storeName()),
          ChangeLog.NONE, () -> 0L);
      globalStores.put(g.storeName(), s);
      globalByTopic.put(g.topic(), s);
    }
  }

  private static Serde<?> serde(Serde<?> given, Serde<?> dflt, String store) {
    if (given == null && dflt == null) {
      throw new IllegalStateException("no serde for global store '" + store + "': give one (Consumed.with) or set the default serdes");
    }
    return given != null ? given : dflt;
  }

  /** The global store fed by {@code topic}, or null. */
  public MemoryStore globalStoreOf(String topic) {
    return globalByTopic.get(topic);
  }

  /** Applies a record of a global table's topic (a null value deletes). */
  public void updateGlobal(String topic, byte[] key, byte[] value) {
    if (key != null) {
      globalByTopic.get(topic).restore(key, value);
    }
  }

  @Override
  public String applicationId() {
    return config.applicationId();
  }

  @Override
  public Serde<?> defaultKeySerde() {
    return config.defaultKeySerde();
  }

  @Override
  public Serde<?> defaultValueSerde() {
    return config.defaultValueSerde();
  }

  @Override
  public TimestampExtractor defaultTimestampExtractor() {
    return config.defaultTimestampExtractor();
  }

  @Override
  public StreamsMetricsImpl metrics() {
    return metrics;
  }

  @Override
  public Map<String, StateStore> globalStores() {
    return globalStores;
  }
}
