package io.courant.stream.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a {@code kafka-clients { "a.b" = v }} block: keys with dots are quoted, so read it as one object. */
public final class KafkaProperties {
  private KafkaProperties() {}

  public static Map<String, String> read(Config config, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.hasPath(path)) {
      for (Map.Entry<String, ConfigValue> e : config.getObject(path).entrySet()) {
        out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }
}
