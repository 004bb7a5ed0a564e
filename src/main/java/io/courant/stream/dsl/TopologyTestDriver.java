package io.courant.stream.dsl;

import io.courant.log.Header;
import io.courant.stream.dsl.internal.ConfigTaskEnv;
import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.MemoryStore;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.StreamTask;
import io.courant.stream.dsl.internal.StreamsMetricsImpl;
import io.courant.stream.dsl.internal.SubTopology;
import io.courant.stream.dsl.internal.TaskEnv;
import io.courant.stream.serialization.Deserializer;
import io.courant.stream.serialization.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;

/**
 * Runs a {@link Topology} in the JVM, without Cassandra or a cluster, for tests (Kafka Streams'
 * {@code TopologyTestDriver}): pipe records in, read what it writes, advance the mocked wall clock,
 * read its stores. It runs the same tasks and processors as {@link CourantStreams}, with one task
 * per sub-topology (every topic has one partition); records written to repartition topics are
 * processed at once, before the piping call returns.
 *
 * <pre>{@code
 * try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
 *   TestInputTopic<String, String> in = driver.createInputTopic("lines", new StringSerializer(), new StringSerializer());
 *   TestOutputTopic<String, Long> out = driver.createOutputTopic("counts", new StringDeserializer(), new LongDeserializer());
 *   in.pipeInput("k", "a b a");
 *   assertEquals(Map.of("a", 2L, "b", 1L), out.readKeyValuesToMap());
 * }
 * }</pre>
 */
public final class TopologyTestDriver implements AutoCloseable {
  private final GraphBuilder graph;
  private final StreamsConfig config;
  private final StreamsMetricsImpl metrics = new StreamsMetricsImpl();
  private final Map<String, StreamTask> taskByTopic = new HashMap<>();
  private final Map<String, StreamTask> tasks = new LinkedHashMap<>();
  private Env env;
  private final Map<String, Queue<TestRecord<byte[], byte[]>>> outputs = new HashMap<>();
  private final Map<String, Long> nextOffset = new HashMap<>();
  private final ArrayDeque<Object[]> internalQueue = new ArrayDeque<>();
  private final Instant start;
  private long wallClock;
  private boolean processing;

  /**
   * A driver with the wall clock at the current time; no Cassandra, no cluster.
   *
   * <pre>{@code
   * try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) { ... }
   * }</pre>
   *
   * @param topology the topology to run
   * @param props the application's settings ({@code application.id} defaults to "test-driver")
   * @throws IllegalArgumentException if a setting is unknown or invalid
   */
  public TopologyTestDriver(Topology topology, Properties props) {
    this(topology, props, Instant.now());
  }

  /**
   * A driver whose mocked wall clock starts at {@code initialWallClockTime}.
   *
   * @param topology the topology to run
   * @param props the application's settings
   * @param initialWallClockTime the wall-clock time at start (wall-clock punctuations, default record timestamps)
   * @throws IllegalArgumentException if a setting is unknown or invalid
   */
  public TopologyTestDriver(Topology topology, Properties props, Instant initialWallClockTime) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test-driver");
    p.putAll(props);
    this.config = new StreamsConfig(p);
    this.graph = topology.graph;
    this.start = initialWallClockTime;
    this.wallClock = initialWallClockTime.toEpochMilli();
    this.env = new Env();
    for (SubTopology sub : graph.subTopologies(config.applicationId())) {
      StreamTask task = new StreamTask(graph, sub, 0, env);
      tasks.put(task.id(), task);
      sub.sourceTopics().keySet().forEach(t -> taskByTopic.put(t, task));
    }
    tasks.values().forEach(StreamTask::init);
  }

  /**
   * An input topic whose records, unless given a timestamp, are stamped with the driver's initial
   * wall-clock time.
   *
   * <pre>{@code
   * TestInputTopic<String, String> in = driver.createInputTopic("text-lines", new StringSerializer(), new StringSerializer());
   * in.pipeInput("k", "a b a", 1_000);
   * }</pre>
   *
   * @param topic a topic the topology reads
   * @param keySerializer serializes the keys piped in
   * @param valueSerializer serializes the values piped in
   * @param <K> the key type
   * @param <V> the value type
   * @return the input topic
   * @see #createOutputTopic(String, Deserializer, Deserializer)
   */
  public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    return createInputTopic(topic, keySerializer, valueSerializer, start, Duration.ZERO);
  }

  /**
   * An input topic whose records, unless given a timestamp, start at {@code startTimestamp} and
   * advance by {@code autoAdvance} each.
   *
   * @param topic a topic the topology reads
   * @param keySerializer serializes the keys piped in
   * @param valueSerializer serializes the values piped in
   * @param startTimestamp the first record's timestamp
   * @param autoAdvance how much each following record's timestamp advances
   * @param <K> the key type
   * @param <V> the value type
   * @return the input topic
   */
  public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Serializer<K> keySerializer, Serializer<V> valueSerializer,
      Instant startTimestamp, Duration autoAdvance) {
    if (!taskByTopic.containsKey(topic) && env.globalStoreOf(topic) == null) {
      throw new IllegalArgumentException("the topology does not read topic '" + topic + "'; it reads " + taskByTopic.keySet()
          + " and global tables' topics");
    }
    return new TestInputTopic<>(this, topic, keySerializer, valueSerializer, startTimestamp, autoAdvance);
  }

  /**
   * An output topic to read what the topology wrote to {@code topic}, in order.
   *
   * <pre>{@code
   * TestOutputTopic<String, Long> out = driver.createOutputTopic("word-counts", new StringDeserializer(), new LongDeserializer());
   * assertEquals(Map.of("a", 2L), out.readKeyValuesToMap());
   * }</pre>
   *
   * @param topic a topic the topology writes
   * @param keyDeserializer reads the keys
   * @param valueDeserializer reads the values
   * @param <K> the key type
   * @param <V> the value type
   * @return the output topic
   */
  public <K, V> TestOutputTopic<K, V> createOutputTopic(String topic, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    return new TestOutputTopic<>(topic, outputs.computeIfAbsent(topic, t -> new ArrayDeque<>()), keyDeserializer, valueDeserializer);
  }

  void pipe(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers) {
    long offset = nextOffset.merge(topic, 1L, Long::sum) - 1;
    if (env.globalStoreOf(topic) != null) {
      env.updateGlobal(topic, key, value);
      return;
    }
    internalQueue.add(new Object[] {topic, offset, timestamp, key, value, headers});
    drain();
  }

  @SuppressWarnings("unchecked")
  private void drain() {
    if (processing) {
      return; // a record written to a repartition topic while processing: processed after the current one
    }
    processing = true;
    try {
      Object[] r;
      while ((r = internalQueue.poll()) != null) {
        String topic = (String) r[0];
        StreamTask task = taskByTopic.get(topic);
        task.process(topic, 0, (long) r[1], (long) r[2], (byte[]) r[3], (byte[]) r[4], (List<Header>) r[5]);
        task.takeChanges();
      }
    } finally {
      processing = false;
    }
  }

  /**
   * Moves the mocked wall clock forward and runs the wall-clock punctuations that are due.
   *
   * @param advance how far to move the clock
   */
  public void advanceWallClockTime(Duration advance) {
    if (advance.isNegative()) {
      throw new IllegalArgumentException("the wall clock can only advance, not by " + advance);
    }
    wallClock += advance.toMillis();
    processing = true;
    try {
      tasks.values().forEach(t -> {
        t.punctuateWallClock(wallClock);
        t.takeChanges();
      });
    } finally {
      processing = false;
    }
    drain();
  }

  /**
   * A key-value store (or a global table's store) by name, to read or write in a test.
   *
   * <pre>{@code
   * assertEquals(2L, driver.<String, Long>getKeyValueStore("word-counts").get("a"));
   * }</pre>
   *
   * @param name the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the store
   * @throws IllegalArgumentException if the topology has no such store, or it is not a key-value store
   */
  @SuppressWarnings("unchecked")
  public <K, V> KeyValueStore<K, V> getKeyValueStore(String name) {
    return (KeyValueStore<K, V>) store(name, KeyValueStore.class);
  }

  /**
   * A window store by name.
   *
   * @param name the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the store
   * @throws IllegalArgumentException if the topology has no such store, or it is not a window store
   */
  @SuppressWarnings("unchecked")
  public <K, V> WindowStore<K, V> getWindowStore(String name) {
    return (WindowStore<K, V>) store(name, WindowStore.class);
  }

  /**
   * A session store by name.
   *
   * @param name the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the store
   * @throws IllegalArgumentException if the topology has no such store, or it is not a session store
   */
  @SuppressWarnings("unchecked")
  public <K, V> SessionStore<K, V> getSessionStore(String name) {
    return (SessionStore<K, V>) store(name, SessionStore.class);
  }

  private StateStore store(String name, Class<?> type) {
    StateStore s = env.globalStores().get(name);
    for (StreamTask t : tasks.values()) {
      if (s == null) {
        s = t.store(name);
      }
    }
    if (s == null) {
      throw new IllegalArgumentException("the topology has no state store named '" + name + "'");
    }
    if (!type.isInstance(s)) {
      throw new IllegalArgumentException("state store '" + name + "' is not a " + type.getSimpleName());
    }
    return s;
  }

  /**
   * The application's counters: {@code process-total}, {@code dropped-records-total} (records
   * dropped for any reason), {@code late-records-dropped-total} (late for their window), {@code
   * repartition-duplicates-skipped-total}.
   *
   * @return a snapshot of the counters
   */
  public Map<String, Long> metrics() {
    return metrics.snapshot();
  }

  /**
   * Closes the processors. The driver keeps nothing outside the JVM.
   */
  @Override
  public void close() {
    tasks.values().forEach(StreamTask::close);
  }

  private final class Env extends ConfigTaskEnv {
    Env() {
      super(config, metrics, graph);
    }

    @Override
    public void send(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers) {
      if (taskByTopic.containsKey(topic)) {
        long offset = nextOffset.merge(topic, 1L, Long::sum) - 1;
        internalQueue.add(new Object[] {topic, offset, timestamp, key, value, headers});
      }
      if (!topic.startsWith(config.applicationId() + "-") || !taskByTopic.containsKey(topic)) {
        outputs.computeIfAbsent(topic, t -> new ArrayDeque<>()).add(new TestRecord<>(key, value, headers, timestamp));
      }
    }

    @Override
    public long wallClockMs() {
      return wallClock;
    }
  }
}
