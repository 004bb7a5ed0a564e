package io.courant.stream;

import com.typesafe.config.Config;
import io.courant.log.Partition.Acks;
import io.courant.log.internal.kafka.RecordBatches;
import io.courant.stream.internal.KafkaProperties;
import io.courant.stream.serialization.Serializer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Settings of the {@link Producer} stages: serializers, Kafka's producer keys ({@code acks},
 * {@code batch.size}, {@code linger.ms}, {@code buffer.memory}, {@code
 * max.in.flight.requests.per.connection}) and the stage's bound on batches in flight. Defaults
 * come from {@code courant.producer}; immutable: each {@code withX} returns a copy.
 *
 * <pre>{@code
 * ProducerSettings<String, String> settings =
 *     ProducerSettings.create(system, new StringSerializer(), new StringSerializer())
 *         .withProperty("linger.ms", "20")
 *         .withProperty("acks", "1");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 * @see Producer
 */
public final class ProducerSettings<K, V> {
  /** The Kafka producer keys the stages act on. */
  public static final List<String> SUPPORTED_PROPERTIES =
      List.of("acks", "batch.size", "linger.ms", "buffer.memory", "max.in.flight.requests.per.connection", "compression.type");

  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final Map<String, String> properties;
  private final int maxBatchesInFlight;

  private ProducerSettings(Serializer<K> keySerializer, Serializer<V> valueSerializer, Map<String, String> properties,
      int maxBatchesInFlight) {
    this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
    this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
    this.properties = Map.copyOf(properties);
    if (maxBatchesInFlight < 1) {
      throw new IllegalArgumentException("max-batches-in-flight must be >= 1, not " + maxBatchesInFlight);
    }
    this.maxBatchesInFlight = maxBatchesInFlight;
    validate();
  }

  /** Defaults from the system's {@code courant.producer}. */
  public static <K, V> ProducerSettings<K, V> create(ClassicActorSystemProvider system, Serializer<K> keySerializer,
      Serializer<V> valueSerializer) {
    return create(system.classicSystem().settings().config().getConfig("courant.producer"), keySerializer, valueSerializer);
  }

  /**
   * Settings from a {@code courant.producer}-shaped config.
   *
   * @throws IllegalArgumentException if a key is unknown or a value is not allowed
   */
  public static <K, V> ProducerSettings<K, V> create(Config courantProducer, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    return new ProducerSettings<>(keySerializer, valueSerializer, KafkaProperties.read(courantProducer, "kafka-clients"),
        courantProducer.getInt("max-batches-in-flight"));
  }

  /**
   * A copy with one of Kafka's producer keys set.
   *
   * @throws IllegalArgumentException if the key is not one of {@link #SUPPORTED_PROPERTIES} or the
   *     value is not allowed (the message says what is)
   */
  public ProducerSettings<K, V> withProperty(String key, String value) {
    Map<String, String> next = new LinkedHashMap<>(properties);
    next.put(key, value.trim());
    return new ProducerSettings<>(keySerializer, valueSerializer, next, maxBatchesInFlight);
  }

  /** A copy with several of Kafka's producer keys set. */
  public ProducerSettings<K, V> withProperties(Map<String, String> values) {
    ProducerSettings<K, V> s = this;
    for (Map.Entry<String, String> e : values.entrySet()) {
      s = s.withProperty(e.getKey(), e.getValue());
    }
    return s;
  }

  /** A copy with another key serializer. */
  public <K2> ProducerSettings<K2, V> withKeySerializer(Serializer<K2> serializer) {
    return new ProducerSettings<>(serializer, valueSerializer, properties, maxBatchesInFlight);
  }

  /** A copy with another value serializer. */
  public <V2> ProducerSettings<K, V2> withValueSerializer(Serializer<V2> serializer) {
    return new ProducerSettings<>(keySerializer, serializer, properties, maxBatchesInFlight);
  }

  /** A copy with another bound on batches in flight over all partitions. */
  public ProducerSettings<K, V> withMaxBatchesInFlight(int batches) {
    return new ProducerSettings<>(keySerializer, valueSerializer, properties, batches);
  }

  /** A copy with {@code linger.ms} set. */
  public ProducerSettings<K, V> withLinger(Duration linger) {
    return withProperty("linger.ms", Long.toString(linger.toMillis()));
  }

  /** A copy with {@code batch.size} set. */
  public ProducerSettings<K, V> withBatchSize(int bytes) {
    return withProperty("batch.size", Integer.toString(bytes));
  }

  private void validate() {
    for (String key : properties.keySet()) {
      if (!SUPPORTED_PROPERTIES.contains(key)) {
        throw new IllegalArgumentException("unknown producer setting '" + key + "'; supported: " + SUPPORTED_PROPERTIES);
      }
    }
    acks();
    compressionType();
    positive("batch.size");
    nonNegative("linger.ms");
    positive("buffer.memory");
    positive("max.in.flight.requests.per.connection");
  }

  private long positive(String key) {
    long v = number(key);
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be a positive integer, not '" + properties.get(key) + "'");
    }
    return v;
  }

  private long nonNegative(String key) {
    long v = number(key);
    if (v < 0) {
      throw new IllegalArgumentException(key + " must be an integer >= 0, not '" + properties.get(key) + "'");
    }
    return v;
  }

  private long number(String key) {
    String v = properties.get(key);
    if (v == null) {
      throw new IllegalArgumentException("producer setting '" + key + "' is missing (courant.producer.kafka-clients)");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, not '" + v + "'");
    }
  }

  public Serializer<K> keySerializer() {
    return keySerializer;
  }

  public Serializer<V> valueSerializer() {
    return valueSerializer;
  }

  /** A Kafka key's value, or null. */
  public String property(String key) {
    return properties.get(key);
  }

  /** Kafka's {@code acks}. */
  public Acks acks() {
    return Acks.parse(properties.getOrDefault("acks", "all"));
  }

  /** {@code compression.type}: how batches are compressed (Kafka's names), {@code none} by default. */
  public String compressionType() {
    String type = properties.getOrDefault("compression.type", "none");
    if (!RecordBatches.COMPRESSION_TYPES.contains(type)) {
      throw new IllegalArgumentException("compression.type must be one of " + RecordBatches.COMPRESSION_TYPES + ", not '" + type + "'");
    }
    return type;
  }

  /** {@code batch.size}: encoded bytes of records that make a batch full (as Kafka counts them). */
  public int batchSize() {
    return Math.toIntExact(positive("batch.size"));
  }

  /** {@code linger.ms}: how long a batch waits for more records. */
  public Duration linger() {
    return Duration.ofMillis(nonNegative("linger.ms"));
  }

  /** {@code buffer.memory}: bytes of records a stage holds at most (then it backpressures). */
  public long bufferMemory() {
    return positive("buffer.memory");
  }

  /** {@code max.in.flight.requests.per.connection}: batches in flight per partition. */
  public int maxInFlightPerPartition() {
    return Math.toIntExact(positive("max.in.flight.requests.per.connection"));
  }

  /** Batches in flight over all partitions. */
  public int maxBatchesInFlight() {
    return maxBatchesInFlight;
  }

  @Override
  public String toString() {
    return "ProducerSettings(" + new java.util.TreeMap<>(properties) + ", max-batches-in-flight=" + maxBatchesInFlight + ")";
  }
}
