package io.courant.stream.dsl;

import io.courant.stream.serialization.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Pipes records into a {@link TopologyTestDriver} topic (made by {@link
 * TopologyTestDriver#createInputTopic}). Each record is processed, with everything it causes
 * downstream (repartition topics included), before {@code pipeInput} returns. Records without an
 * explicit timestamp get the topic's current time, which then advances by the topic's auto-advance.
 *
 * <pre>{@code
 * TestInputTopic<String, String> in = driver.createInputTopic("text-lines", new StringSerializer(), new StringSerializer());
 * in.pipeInput("k", "a b a", 1_000);
 * in.pipeKeyValueList(List.of(KeyValue.pair("k", "b c")));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TestInputTopic<K, V> {
  private final TopologyTestDriver driver;
  private final String topic;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final Duration autoAdvance;
  private Instant time;

  TestInputTopic(TopologyTestDriver driver, String topic, Serializer<K> keySerializer, Serializer<V> valueSerializer, Instant start,
      Duration autoAdvance) {
    this.driver = driver;
    this.topic = topic;
    this.keySerializer = keySerializer;
    this.valueSerializer = valueSerializer;
    this.time = start;
    this.autoAdvance = autoAdvance;
  }

  /**
   * A record with this key and value, at the topic's current time.
   *
   * @param key the key
   * @param value the value
   */
  public void pipeInput(K key, V value) {
    pipeInput(new TestRecord<>(key, value, nextTime()));
  }

  /**
   * A record with no key.
   *
   * @param value the value
   */
  public void pipeInput(V value) {
    pipeInput(null, value);
  }

  /**
   * A record with this key, value and timestamp (ms).
   *
   * @param key the key
   * @param value the value
   * @param timestamp the timestamp (epoch ms)
   */
  public void pipeInput(K key, V value, long timestamp) {
    pipeInput(new TestRecord<>(key, value, timestamp));
  }

  /**
   * A record with this key, value and timestamp.
   *
   * @param key the key
   * @param value the value
   * @param timestamp the timestamp (epoch ms)
   */
  public void pipeInput(K key, V value, Instant timestamp) {
    pipeInput(key, value, timestamp.toEpochMilli());
  }

  /**
   * A record as given.
   *
   * @param record the record (key, value, timestamp, headers)
   */
  public void pipeInput(TestRecord<K, V> record) {
    driver.pipe(topic, keySerializer.serialize(topic, record.key()), valueSerializer.serialize(topic, record.value()),
        record.timestamp(), record.headers());
  }

  /**
   * Records with these keys and values, in order.
   *
   * @param records the keys and values, piped in order
   */
  public void pipeKeyValueList(List<KeyValue<K, V>> records) {
    records.forEach(kv -> pipeInput(kv.key(), kv.value()));
  }

  /**
   * Records without keys, in order.
   *
   * @param values the values, piped in order with null keys
   */
  public void pipeValueList(List<V> values) {
    values.forEach(this::pipeInput);
  }

  /**
   * Moves the topic's current time forward.
   *
   * @param advance the distance between window starts
   */
  public void advanceTime(Duration advance) {
    if (advance.isNegative()) {
      throw new IllegalArgumentException("time can only advance, not by " + advance);
    }
    time = time.plus(advance);
  }

  private long nextTime() {
    long t = time.toEpochMilli();
    time = time.plus(autoAdvance);
    return t;
  }
}
