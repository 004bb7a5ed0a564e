package io.courant.topic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the topic controller, read once from {@code courant.topic}.
 *
 * @param defaultPartitions partitions of a topic created without a count
 * @param maxPartitions the most partitions one topic may have
 * @param defaults topic config defaults, by Kafka's names
 */
public record TopicSettings(int defaultPartitions, int maxPartitions, Map<String, String> defaults) {

  public static TopicSettings create(Config courantTopic) {
    Map<String, String> defaults = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : courantTopic.getObject("defaults").entrySet()) {
      defaults.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    String problem = TopicConfigs.problem(defaults);
    if (problem != null) {
      throw new IllegalArgumentException("courant.topic.defaults: " + problem);
    }
    for (String name : TopicConfigs.names()) {
      if (!defaults.containsKey(name)) {
        throw new IllegalArgumentException("courant.topic.defaults lacks " + name);
      }
    }
    return new TopicSettings(courantTopic.getInt("default-partitions"), courantTopic.getInt("max-partitions"),
        Map.copyOf(defaults));
  }
}
