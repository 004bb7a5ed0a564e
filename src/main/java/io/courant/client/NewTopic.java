package io.courant.client;

import java.util.Map;

/**
 * A topic to create.
 *
 * @param name the name (Kafka's rules: {@code [a-zA-Z0-9._-]}, 1–249 characters, not {@code .}
 *     or {@code ..})
 * @param partitions the partition count, or -1 for the node's default
 * @param configs topic configs by Kafka's names ({@code retention.ms}, {@code cleanup.policy}, ...)
 */
public record NewTopic(String name, int partitions, Map<String, String> configs) {
  public NewTopic {
    configs = configs == null ? Map.of() : Map.copyOf(configs);
  }

  public NewTopic(String name, int partitions) {
    this(name, partitions, Map.of());
  }
}
