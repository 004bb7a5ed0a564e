package io.courant.stream;

import com.typesafe.config.Config;
import io.courant.stream.internal.KafkaProperties;
import io.courant.stream.serialization.Deserializer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Settings of the {@link Consumer} sources: deserializers, Kafka's consumer keys (every key {@link
 * io.courant.client.ConsumerSettings} supports: {@code group.id}, {@code auto.offset.reset},
 * {@code max.poll.records}, {@code partition.assignment.strategy}, ...) and the source's own
 * timings. Defaults come from {@code courant.consumer}; immutable: each {@code withX} returns a
 * copy.
 *
 * <pre>{@code
 * ConsumerSettings<String, Order> settings =
 *     ConsumerSettings.create(system, new StringDeserializer(), new JsonDeserializer<>(Order.class))
 *         .withGroupId("billing")
 *         .withProperty("auto.offset.reset", "earliest");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 * @see Consumer
 */
public final class ConsumerSettings<K, V> {
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;
  private final Map<String, String> properties;
  private final Duration pollTimeout;
  private final Duration idlePollInterval;
  private final Duration stopTimeout;
  private final Duration commitTimeout;
  private final String dispatcher;
  private final io.courant.client.ConsumerSettings clientSettings;

  private ConsumerSettings(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Map<String, String> properties,
      Duration pollTimeout, Duration idlePollInterval, Duration stopTimeout, Duration commitTimeout, String dispatcher) {
    this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
    this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    this.properties = Map.copyOf(properties);
    this.pollTimeout = positive("poll-timeout", pollTimeout);
    this.idlePollInterval = positive("idle-poll-interval", idlePollInterval);
    this.stopTimeout = positive("stop-timeout", stopTimeout);
    this.commitTimeout = positive("commit-timeout", commitTimeout);
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.clientSettings = buildClientSettings(this.properties);
  }

  private static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
    }
    return d;
  }

  /** Defaults from the system's {@code courant.consumer}. */
  public static <K, V> ConsumerSettings<K, V> create(ClassicActorSystemProvider system, Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    return create(system.classicSystem().settings().config().getConfig("courant.consumer"), keyDeserializer, valueDeserializer);
  }

  /**
   * Settings from a {@code courant.consumer}-shaped config.
   *
   * @throws IllegalArgumentException if a Kafka key is unknown or its value not allowed
   */
  public static <K, V> ConsumerSettings<K, V> create(Config courantConsumer, Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    return new ConsumerSettings<>(keyDeserializer, valueDeserializer, KafkaProperties.read(courantConsumer, "kafka-clients"),
        courantConsumer.getDuration("poll-timeout"), courantConsumer.getDuration("idle-poll-interval"),
        courantConsumer.getDuration("stop-timeout"), courantConsumer.getDuration("commit-timeout"),
        courantConsumer.getString("use-dispatcher"));
  }

  private ConsumerSettings<K, V> copy(Map<String, String> p, Duration poll, Duration idle, Duration stop, Duration commit,
      String dispatcherName) {
    return new ConsumerSettings<>(keyDeserializer, valueDeserializer, p, poll, idle, stop, commit, dispatcherName);
  }

  /**
   * A copy with one of Kafka's consumer keys set.
   *
   * @throws IllegalArgumentException if {@link io.courant.client.ConsumerSettings} does not know
   *     the key or refuses the value (the message lists what is supported)
   */
  public ConsumerSettings<K, V> withProperty(String key, String value) {
    Map<String, String> next = new LinkedHashMap<>(properties);
    next.put(key, value);
    return copy(next, pollTimeout, idlePollInterval, stopTimeout, commitTimeout, dispatcher);
  }

  /** A copy with several of Kafka's consumer keys set. */
  public ConsumerSettings<K, V> withProperties(Map<String, String> values) {
    Map<String, String> next = new LinkedHashMap<>(properties);
    next.putAll(values);
    return copy(next, pollTimeout, idlePollInterval, stopTimeout, commitTimeout, dispatcher);
  }

  /** A copy in consumer group {@code groupId} ({@code group.id}). */
  public ConsumerSettings<K, V> withGroupId(String groupId) {
    return withProperty("group.id", groupId);
  }

  /** A copy with {@code group.instance.id} set (static membership). */
  public ConsumerSettings<K, V> withGroupInstanceId(String instanceId) {
    return withProperty("group.instance.id", instanceId);
  }

  /** A copy with another poll timeout (long-poll wait, and the latency of commits and stop). */
  public ConsumerSettings<K, V> withPollTimeout(Duration d) {
    return copy(properties, d, idlePollInterval, stopTimeout, commitTimeout, dispatcher);
  }

  /** A copy with another idle-poll interval (how often a backpressured source still polls). */
  public ConsumerSettings<K, V> withIdlePollInterval(Duration d) {
    return copy(properties, pollTimeout, d, stopTimeout, commitTimeout, dispatcher);
  }

  /** A copy with another stop timeout (how long a stopped source keeps its consumer for commits). */
  public ConsumerSettings<K, V> withStopTimeout(Duration d) {
    return copy(properties, pollTimeout, idlePollInterval, d, commitTimeout, dispatcher);
  }

  /** A copy with another commit timeout. */
  public ConsumerSettings<K, V> withCommitTimeout(Duration d) {
    return copy(properties, pollTimeout, idlePollInterval, stopTimeout, d, dispatcher);
  }

  /** A copy whose polls run on another dispatcher (it must tolerate blocking). */
  public ConsumerSettings<K, V> withDispatcher(String name) {
    return copy(properties, pollTimeout, idlePollInterval, stopTimeout, commitTimeout, name);
  }

  private static io.courant.client.ConsumerSettings buildClientSettings(Map<String, String> properties) {
    io.courant.client.ConsumerSettings s = io.courant.client.ConsumerSettings.create(properties.getOrDefault("group.id", ""));
    for (Map.Entry<String, String> e : properties.entrySet()) {
      if (!e.getKey().equals("group.id")) {
        s = s.with(e.getKey(), e.getValue());
      }
    }
    return s;
  }

  /** The settings of the {@link io.courant.client.CourantConsumer} a source runs. */
  public io.courant.client.ConsumerSettings toClientSettings() {
    return clientSettings;
  }

  /** {@code group.id}, "" when none. */
  public String groupId() {
    return clientSettings.groupId();
  }

  /** A Kafka key's value as set (in HOCON or code), or null. */
  public String property(String key) {
    return properties.get(key);
  }

  public Deserializer<K> keyDeserializer() {
    return keyDeserializer;
  }

  public Deserializer<V> valueDeserializer() {
    return valueDeserializer;
  }

  public Duration pollTimeout() {
    return pollTimeout;
  }

  public Duration idlePollInterval() {
    return idlePollInterval;
  }

  public Duration stopTimeout() {
    return stopTimeout;
  }

  public Duration commitTimeout() {
    return commitTimeout;
  }

  public String dispatcher() {
    return dispatcher;
  }

  @Override
  public String toString() {
    return "ConsumerSettings(" + clientSettings + ", poll-timeout=" + pollTimeout + ", idle-poll-interval=" + idlePollInterval
        + ", stop-timeout=" + stopTimeout + ", commit-timeout=" + commitTimeout + ", dispatcher=" + dispatcher + ")";
  }
}
