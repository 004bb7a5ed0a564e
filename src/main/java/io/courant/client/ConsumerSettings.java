package io.courant.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of a {@link CourantConsumer}, by Kafka's consumer key names and with Kafka's defaults.
 * Immutable: {@link #with(String, Object)} returns a copy.
 *
 * <pre>{@code
 * ConsumerSettings s = ConsumerSettings.create("billing")
 *     .with("auto.offset.reset", "earliest")
 *     .with("partition.assignment.strategy", "cooperative-sticky");
 * }</pre>
 */
public final class ConsumerSettings {
  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("group.id", ""),
      Map.entry("group.instance.id", ""),
      Map.entry("auto.offset.reset", "latest"),
      Map.entry("enable.auto.commit", "true"),
      Map.entry("auto.commit.interval.ms", "5000"),
      Map.entry("session.timeout.ms", "45000"),
      Map.entry("heartbeat.interval.ms", "3000"),
      Map.entry("max.poll.interval.ms", "300000"),
      Map.entry("max.poll.records", "500"),
      Map.entry("partition.assignment.strategy", "range,cooperative-sticky"),
      Map.entry("fetch.max.wait.ms", "500"),
      Map.entry("max.partition.fetch.bytes", "1048576"),
      Map.entry("metadata.max.age.ms", "5000"));

  private final Map<String, String> values;

  private ConsumerSettings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Kafka's defaults, in group {@code groupId} ("" for a consumer without a group: assign only). */
  public static ConsumerSettings create(String groupId) {
    Map<String, String> v = new HashMap<>(DEFAULTS);
    v.put("group.id", groupId);
    return new ConsumerSettings(v);
  }

  /**
   * A copy with one setting changed.
   *
   * @throws IllegalArgumentException if the key is not a supported consumer setting, or its value
   *     is not allowed (the message says what is)
   */
  public ConsumerSettings with(String key, Object value) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException("unknown consumer setting '" + key + "'; supported: " + DEFAULTS.keySet().stream().sorted().toList());
    }
    Map<String, String> v = new HashMap<>(values);
    v.put(key, String.valueOf(value).trim());
    ConsumerSettings next = new ConsumerSettings(v);
    next.validate();
    return next;
  }

  private void validate() {
    if (!List.of("earliest", "latest", "none").contains(autoOffsetReset())) {
      throw new IllegalArgumentException("auto.offset.reset must be earliest, latest or none, not '" + autoOffsetReset() + "'");
    }
    for (String key : List.of("auto.commit.interval.ms", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
        "max.poll.records", "fetch.max.wait.ms", "max.partition.fetch.bytes", "metadata.max.age.ms")) {
      try {
        if (Long.parseLong(values.get(key)) <= 0 && !key.equals("fetch.max.wait.ms")) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a positive integer, not '" + values.get(key) + "'");
      }
    }
    if (!List.of("true", "false").contains(values.get("enable.auto.commit"))) {
      throw new IllegalArgumentException("enable.auto.commit must be true or false, not '" + values.get("enable.auto.commit") + "'");
    }
    if (assignmentStrategies().isEmpty()) {
      throw new IllegalArgumentException("partition.assignment.strategy must name at least one assignor: "
          + "range, roundrobin, sticky or cooperative-sticky");
    }
    assignmentStrategies().forEach(io.courant.group.PartitionAssignors::byName);
  }

  /**
   * Checks what single keys cannot: {@code heartbeat.interval.ms} below {@code session.timeout.ms}
   * (Kafka's rule), so a consumer is not expired between two of its own heartbeats.
   *
   * @throws IllegalArgumentException naming both values
   */
  void validateTogether() {
    if (heartbeatInterval().compareTo(sessionTimeout()) >= 0) {
      throw new IllegalArgumentException("heartbeat.interval.ms (" + heartbeatInterval().toMillis()
          + ") must be lower than session.timeout.ms (" + sessionTimeout().toMillis() + "), typically a third of it");
    }
  }

  public String groupId() {
    return values.get("group.id");
  }

  /** {@code group.instance.id}, or null. */
  public String groupInstanceId() {
    String id = values.get("group.instance.id");
    return id.isEmpty() ? null : id;
  }

  public String autoOffsetReset() {
    return values.get("auto.offset.reset");
  }

  public boolean enableAutoCommit() {
    return Boolean.parseBoolean(values.get("enable.auto.commit"));
  }

  public Duration autoCommitInterval() {
    return millis("auto.commit.interval.ms");
  }

  public Duration sessionTimeout() {
    return millis("session.timeout.ms");
  }

  public Duration heartbeatInterval() {
    return millis("heartbeat.interval.ms");
  }

  public Duration maxPollInterval() {
    return millis("max.poll.interval.ms");
  }

  public int maxPollRecords() {
    return Integer.parseInt(values.get("max.poll.records"));
  }

  public List<String> assignmentStrategies() {
    return Arrays.stream(values.get("partition.assignment.strategy").split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  public Duration fetchMaxWait() {
    return millis("fetch.max.wait.ms");
  }

  public int maxPartitionFetchBytes() {
    return Integer.parseInt(values.get("max.partition.fetch.bytes"));
  }

  public Duration metadataMaxAge() {
    return millis("metadata.max.age.ms");
  }

  private Duration millis(String key) {
    return Duration.ofMillis(Long.parseLong(values.get(key)));
  }

  @Override
  public String toString() {
    return "ConsumerSettings" + new java.util.TreeMap<>(values);
  }
}
