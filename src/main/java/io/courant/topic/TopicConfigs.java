package io.courant.topic;

import io.courant.log.LogConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Topic configs by Kafka's names: which are supported, what values each allows, and the typed
 * {@link LogConfig} they make.
 */
public final class TopicConfigs {
  private TopicConfigs() {}

  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";

  private record Rule(String allowed, Predicate<String> test) {}

  private static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    RULES.put(RETENTION_MS, new Rule("an integer >= -1 (ms; -1 = forever)", v -> longAtLeast(v, -1)));
    RULES.put(RETENTION_BYTES, new Rule("an integer >= -1 (bytes per partition; -1 = unbounded)", v -> longAtLeast(v, -1)));
    RULES.put(CLEANUP_POLICY, new Rule("delete, compact, or compact,delete",
        v -> List.of("delete", "compact", "compact,delete", "delete,compact").contains(v.replace(" ", ""))));
    RULES.put(MAX_MESSAGE_BYTES, new Rule("an integer from 1 to 2147483647 (bytes)", v -> longAtLeast(v, 1) && Long.parseLong(v) <= Integer.MAX_VALUE));
    RULES.put(MESSAGE_TIMESTAMP_TYPE, new Rule("CreateTime or LogAppendTime", v -> v.equals("CreateTime") || v.equals("LogAppendTime")));
    RULES.put(DELETE_RETENTION_MS, new Rule("an integer >= 0 (ms)", v -> longAtLeast(v, 0)));
    RULES.put(MIN_CLEANABLE_DIRTY_RATIO, new Rule("a number from 0 to 1", v -> {
      try {
        double d = Double.parseDouble(v);
        return d >= 0 && d <= 1;
      } catch (NumberFormatException e) {
        return false;
      }
    }));
    RULES.put(MIN_INSYNC_REPLICAS, new Rule("an integer >= 1", v -> longAtLeast(v, 1) && Long.parseLong(v) <= Integer.MAX_VALUE));
  }

  /** The supported config names. */
  public static List<String> names() {
    return List.copyOf(RULES.keySet());
  }

  /**
   * Why this config is not valid, or null if it is.
   */
  public static String problem(String name, String value) {
    Rule rule = RULES.get(name);
    if (rule == null) {
      return "unknown topic config '" + name + "'; supported: " + String.join(", ", RULES.keySet());
    }
    if (value == null || !rule.test().test(value.trim())) {
      return "invalid value '" + value + "' for " + name + ": must be " + rule.allowed();
    }
    return null;
  }

  /** The first problem among these configs, or null if all are valid. */
  public static String problem(Map<String, String> configs) {
    for (Map.Entry<String, String> e : new TreeMap<>(configs).entrySet()) {
      String problem = problem(e.getKey(), e.getValue());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** Every supported config with its value: the topic's own, else the default. */
  public static Map<String, String> effective(Map<String, String> overrides, Map<String, String> defaults) {
    Map<String, String> all = new LinkedHashMap<>();
    for (String name : RULES.keySet()) {
      all.put(name, overrides.getOrDefault(name, defaults.get(name)).trim());
    }
    return all;
  }

  /** The typed log settings of a topic. */
  public static LogConfig logConfig(Map<String, String> overrides, Map<String, String> defaults) {
    Map<String, String> c = effective(overrides, defaults);
    String policy = c.get(CLEANUP_POLICY).replace(" ", "");
    return new LogConfig(
        Integer.parseInt(c.get(MAX_MESSAGE_BYTES)),
        c.get(MESSAGE_TIMESTAMP_TYPE).equals("LogAppendTime"),
        Long.parseLong(c.get(RETENTION_MS)),
        Long.parseLong(c.get(RETENTION_BYTES)),
        policy.contains("compact"),
        policy.contains("delete"),
        Long.parseLong(c.get(DELETE_RETENTION_MS)),
        Double.parseDouble(c.get(MIN_CLEANABLE_DIRTY_RATIO)));
  }

  private static boolean longAtLeast(String v, long min) {
    try {
      return Long.parseLong(v) >= min;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
