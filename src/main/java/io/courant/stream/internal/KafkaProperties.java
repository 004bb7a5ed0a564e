package io.courant.stream.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code kafka-clients { ... }} block into Kafka keys: {@code "a.b" = v} (quoted) and
 * {@code a.b = v} (which HOCON nests as objects) both give the key {@code a.b}.
 */
public final class KafkaProperties {
  private KafkaProperties() {}

  public static Map<String, String> read(Config config, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.hasPath(path)) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig(path).entrySet()) {
        out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }
}
