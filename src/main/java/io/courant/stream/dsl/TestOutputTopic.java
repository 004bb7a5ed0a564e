package io.courant.stream.dsl;

import io.courant.stream.serialization.Deserializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;

/**
 * Reads what a topology wrote to a topic under {@link TopologyTestDriver} ({@link
 * TopologyTestDriver#createOutputTopic}); each read consumes the record.
 *
 * <pre>{@code
 * TestOutputTopic<String, Long> out = driver.createOutputTopic("word-counts", new StringDeserializer(), new LongDeserializer());
 * assertEquals(Map.of("a", 2L, "b", 1L), out.readKeyValuesToMap());
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TestOutputTopic<K, V> {
  private final String topic;
  private final Queue<TestRecord<byte[], byte[]>> queue;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;

  TestOutputTopic(String topic, Queue<TestRecord<byte[], byte[]>> queue, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this.topic = topic;
    this.queue = queue;
    this.keyDeserializer = keyDeserializer;
    this.valueDeserializer = valueDeserializer;
  }

  /**
   * The next record. @throws NoSuchElementException if the topic has no record left
   *
   * @return the next record
   */
  public TestRecord<K, V> readRecord() {
    TestRecord<byte[], byte[]> r = queue.poll();
    if (r == null) {
      throw new NoSuchElementException("Empty topic: " + topic);
    }
    return new TestRecord<>(keyDeserializer.deserialize(topic, r.key()), valueDeserializer.deserialize(topic, r.value()), r.headers(),
        r.timestamp());
  }

  /**
   * The next record's value.
   *
   * @return the next value
   */
  public V readValue() {
    return readRecord().value();
  }

  /**
   * The next record's key and value.
   *
   * @return the next key and value
   */
  public KeyValue<K, V> readKeyValue() {
    TestRecord<K, V> r = readRecord();
    return new KeyValue<>(r.key(), r.value());
  }

  /**
   * Every record left.
   *
   * @return the records not read yet, in order
   */
  public List<TestRecord<K, V>> readRecordsToList() {
    List<TestRecord<K, V>> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      out.add(readRecord());
    }
    return out;
  }

  /**
   * Every value left.
   *
   * @return the values not read yet, in order
   */
  public List<V> readValuesToList() {
    return readRecordsToList().stream().map(TestRecord::value).toList();
  }

  /**
   * Every key and value left.
   *
   * @return the keys and values not read yet, in order
   */
  public List<KeyValue<K, V>> readKeyValuesToList() {
    return readRecordsToList().stream().map(r -> new KeyValue<>(r.key(), r.value())).toList();
  }

  /**
   * The last value per key of the records left (a null value removes the key).
   *
   * @return the latest value per key of the records not read yet
   */
  public Map<K, V> readKeyValuesToMap() {
    Map<K, V> out = new LinkedHashMap<>();
    for (TestRecord<K, V> r : readRecordsToList()) {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(r.key(), r.value());
      }
    }
    return out;
  }

  /**
   * The number of records left.
   *
   * @return the number of records not read yet
   */
  public long getQueueSize() {
    return queue.size();
  }

  /**
   * True if no record is left.
   *
   * @return true if every record was read
   */
  public boolean isEmpty() {
    return queue.isEmpty();
  }
}
