package io.courant.stream.dsl;

import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.Partitioner;
import io.courant.client.TopicExistsException;
import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.StoreQueryRegistry;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.StreamThread;
import io.courant.stream.dsl.internal.StreamsMetricsImpl;
import io.courant.stream.dsl.internal.SubTopology;
import io.courant.stream.dsl.internal.TaskStateEntity;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Topology} on a Courant cluster, inside any Pekko application (Kafka Streams'
 * {@code KafkaStreams}). Instances with the same {@code application.id} — in one JVM or on several
 * nodes — share the work through the consumer group named after it: each input partition (with its
 * co-partitioned partitions and its state) belongs to one instance; start a second instance and
 * half of the partitions, and their state, move to it.
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
 * props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
 * props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
 * CourantStreams streams = new CourantStreams(builder.build(), props, system);
 * streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
 * streams.start();
 * Long count = streams.<String, Long>keyValueStore("word-counts").get("hello").toCompletableFuture().join();
 * streams.close();
 * }</pre>
 *
 * <p><b>State and exactly-once updates.</b> Every store is held in memory by its task and
 * event-sourced in Cassandra, one persistent entity per task (store partition): a commit (every
 * {@code commit.interval.ms}) first stores the records the task wrote, then persists the task's
 * store changes <em>together with the input offsets they consumed</em> in one event. After a crash
 * the task is restored from that entity and input resumes right after the last persisted offset:
 * aggregates neither lose nor double-count an input record, without transactions. Records written
 * to repartition topics carry their origin, and the reading task skips copies it already applied.
 * Output topics are at-least-once: records written just before a crash are written again.
 *
 * <p>Interactive queries ({@link #keyValueStore}, {@link #windowStore}) are answered from any node
 * by the entity that owns the key's store partition. A started instance also registers its
 * key-value and window stores with its node, for the HTTP API's {@code GET
 * /streams/{application.id}/stores/...} routes (docs/streams-dsl.md); nodes without an instance
 * forward those requests to a node that has one.
 */
public final class CourantStreams implements AutoCloseable {
  /**
   * Kafka Streams' client states: {@code CREATED} → {@code start()} → {@code REBALANCING} ⇄
   * {@code RUNNING} → {@code close()} → {@code PENDING_SHUTDOWN} → {@code NOT_RUNNING}; a failure
   * without a replacing handler → {@code ERROR}.
   */
  public enum State {
    /** Constructed, not started. */
    CREATED,
    /** Started; waiting for the group to assign partitions (also during a rebalance). */
    REBALANCING,
    /** Processing its assigned partitions. */
    RUNNING,
    /** Closing: committing and leaving the group. */
    PENDING_SHUTDOWN,
    /** Closed. */
    NOT_RUNNING,
    /** Stopped by a processing failure that no handler replaced. */
    ERROR
  }

  private static final Logger log = LoggerFactory.getLogger(CourantStreams.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final GraphBuilder graph;
  private final StreamsConfig config;
  private final ActorSystem<?> system;
  private final StreamsMetricsImpl metrics = new StreamsMetricsImpl();
  private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Integer> partitionsBySub = new HashMap<>();
  private volatile State state = State.CREATED;
  private volatile StreamsUncaughtExceptionHandler handler;
  private final StoreQueryAnswerer httpQueries;
  private List<SubTopology> subs;
  private StreamThread thread;
  private int generation;

  /**
   * An application instance; nothing runs until {@link #start()}.
   *
   * <pre>{@code
   * CourantStreams streams = new CourantStreams(builder.build(), props, system);
   * }</pre>
   *
   * @param topology the processing to run
   * @param props settings by Kafka Streams' names ({@link StreamsConfig}); {@code application.id} is required
   * @param system the Pekko actor system of a Courant node (or a client joined to the cluster)
   * @throws IllegalArgumentException if a setting is unknown, missing or invalid
   */
  public CourantStreams(Topology topology, Properties props, ActorSystem<?> system) {
    this.graph = topology.graph;
    this.config = new StreamsConfig(props);
    this.system = system;
    this.httpQueries = new StoreQueryAnswerer(this, graph.stores(), config);
  }

  /**
   * Sets what to do when processing fails: {@code REPLACE_THREAD} restarts processing from the last
   * commit, {@code SHUTDOWN_CLIENT} stops this instance ({@link State#ERROR}); without a handler the
   * instance shuts down.
   *
   * <pre>{@code
   * streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
   * }</pre>
   *
   * @param handler the handler, or null for none
   */
  public void setUncaughtExceptionHandler(StreamsUncaughtExceptionHandler handler) {
    this.handler = handler;
  }

  /**
   * The instance's current state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Creates the internal topics, checks co-partitioning, registers the instance's queryable stores
   * with its node (for the HTTP API) and starts processing, asynchronously: the state moves to
   * {@code REBALANCING}, then {@code RUNNING} once partitions are assigned.
   *
   * <pre>{@code
   * streams.start();   // REBALANCING, then RUNNING once the group assigned partitions
   * }</pre>
   *
   * @throws IllegalStateException if already started, or if the topics of one sub-topology have
   *     different partition counts
   * @throws io.courant.client.UnknownTopicOrPartitionException if an input topic does not exist
   */
  public synchronized void start() {
    if (state != State.CREATED) {
      throw new IllegalStateException("start() can be called once, on a CREATED instance; this one is " + state);
    }
    layout();
    startThread();
    StoreQueryRegistry.get(system).register(config.applicationId(), httpQueries);
  }

  /** The sub-topologies and their partition counts; creates the internal topics that do not exist yet. */
  private synchronized void layout() {
    if (subs != null) {
      return;
    }
    Courant courant = Courant.get(system);
    TaskStateEntity.init(system);
    List<SubTopology> subs = graph.subTopologies(config.applicationId());
    this.subs = subs;
    Map<String, Integer> partitions = new HashMap<>();
    for (SubTopology sub : subs) {
      for (String topic : sub.sourceTopics().keySet()) {
        if (!isInternal(sub, topic)) {
          partitions.put(topic, join(courant.describeTopic(topic)).partitions());
        }
      }
    }
    createInternalTopics(courant, partitions);
    for (SubTopology sub : subs) {
      List<Integer> counts = sub.sourceTopics().keySet().stream().map(partitions::get).distinct().toList();
      if (counts.size() != 1) {
        throw new IllegalStateException("the input topics " + sub.sourceTopics().keySet() + " of sub-topology " + sub.id()
            + " are joined or share state, so they must have the same number of partitions (co-partitioning); they have "
            + sub.sourceTopics().keySet().stream().map(t -> t + "=" + partitions.get(t)).toList());
      }
      partitionsBySub.put(sub.id() + "", counts.get(0));
    }
  }

  private boolean isInternal(SubTopology sub, String topic) {
    return graph.node(sub.sourceTopics().get(topic)).internalTopic();
  }

  /** Repartition topics get the partitions set for them, else those of the inputs of the sub-topology that reads them. */
  private void createInternalTopics(Courant courant, Map<String, Integer> partitions) {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (SubTopology writer : subs) {
        for (Map.Entry<String, Integer> sink : writer.repartitionSinks().entrySet()) {
          if (partitions.containsKey(sink.getKey())) {
            continue;
          }
          Integer n = sink.getValue();
          SubTopology reader = subs.stream().filter(s -> s.sourceTopics().containsKey(sink.getKey())).findFirst().orElseThrow();
          if (n == null) {
            n = maxKnown(reader, partitions, true);
          }
          if (n == null) {
            n = maxKnown(writer, partitions, false);
          }
          if (n != null) {
            partitions.put(sink.getKey(), n);
            try {
              join(courant.createTopic(new NewTopic(sink.getKey(), n)));
            } catch (TopicExistsException e) {
              partitions.put(sink.getKey(), join(courant.describeTopic(sink.getKey())).partitions());
            }
            progress = true;
          }
        }
      }
    }
  }

  private Integer maxKnown(SubTopology sub, Map<String, Integer> partitions, boolean externalOnly) {
    return sub.sourceTopics().keySet().stream().filter(t -> !externalOnly || !isInternal(sub, t)).map(partitions::get)
        .filter(java.util.Objects::nonNull).max(Integer::compare).orElse(null);
  }

  private void startThread() {
    state = State.REBALANCING;
    thread = new StreamThread(system, graph, subs, config, metrics, instanceId + "-" + generation++, new StreamThread.Listener() {
      @Override
      public void rebalancing() {
        setState(State.REBALANCING);
      }

      @Override
      public void running() {
        setState(State.RUNNING);
      }

      @Override
      public void failed(Throwable error) {
        onFailure(error);
      }
    });
    thread.start();
  }

  private synchronized void setState(State s) {
    if (state == State.REBALANCING || state == State.RUNNING) {
      state = s;
    }
  }

  private synchronized void onFailure(Throwable error) {
    log.error("streams application {} failed", config.applicationId(), error);
    if (state == State.PENDING_SHUTDOWN || state == State.NOT_RUNNING) {
      return;
    }
    StreamsUncaughtExceptionHandler h = handler;
    if (h != null && h.handle(error) == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
      startThread();
    } else {
      state = State.ERROR;
    }
  }

  /**
   * Commits what was processed, leaves the group (its partitions move to other instances),
   * unregisters from its node's HTTP queries, and stops. Waits up to 60 s.
   *
   * @see #close(Duration)
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }

  /**
   * {@link #close()} waiting at most {@code timeout}.
   *
   * @param timeout how long to wait for the processing thread
   * @return whether the processing thread stopped in time
   */
  public boolean close(Duration timeout) {
    StoreQueryRegistry.get(system).unregister(config.applicationId(), httpQueries);
    StreamThread t;
    synchronized (this) {
      if (state == State.NOT_RUNNING) {
        return true;
      }
      boolean failed = state == State.ERROR;
      state = State.PENDING_SHUTDOWN;
      t = thread;
      if (t == null || failed) {
        state = failed ? State.ERROR : State.NOT_RUNNING;
        if (t == null || !t.isAlive()) {
          return true;
        }
      }
    }
    t.shutdown();
    try {
      t.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (state == State.PENDING_SHUTDOWN) {
        state = State.NOT_RUNNING;
      }
    }
    return !t.isAlive();
  }

  /**
   * Counters of this instance: {@code process-total}, {@code dropped-records-total}, {@code
   * late-records-dropped-total}, {@code repartition-duplicates-skipped-total}.
   *
   * @return a snapshot of the counters
   */
  public Map<String, Long> metrics() {
    return metrics.snapshot();
  }

  // ---- interactive queries

  /**
   * Queries a key-value store (a named {@link Materialized#as} store, or a {@link Stores} store) of
   * this application, from any instance, started or not: a key is routed to the store partition that
   * owns it (murmur2 of the serialized key, as the input was partitioned) and answered by that
   * partition's entity wherever it runs in the cluster; ranges ask every partition. Reads see the
   * state as of the last commit.
   *
   * <pre>{@code
   * Long count = streams.<String, Long>keyValueStore("word-counts").get("hello").toCompletableFuture().join();
   * }</pre>
   *
   * @param name the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the queryable store
   * @throws IllegalArgumentException if the topology has no such key-value store
   * @see #windowStore(String)
   */
  public <K, V> QueryableKeyValueStore<K, V> keyValueStore(String name) {
    StoreRoute route = route(name, StoreSpec.Type.KEY_VALUE);
    return new QueryableKeyValueStore<>() {
      @Override
      public CompletionStage<V> get(K key) {
        byte[] kb = route.key(key);
        return route.scan(route.partitionOf(kb), kb, kb).thenApply(entries -> entries.isEmpty() ? null : route.<V>value(entries.get(0).value()));
      }

      @Override
      public CompletionStage<List<KeyValue<K, V>>> range(K from, K to) {
        return route.scanAll(from == null ? null : route.key(from), to == null ? null : route.key(to),
            e -> new KeyValue<>(route.<K>keyOf(e.key(), e.key().length), route.<V>value(e.value())));
      }

      @Override
      public CompletionStage<List<KeyValue<K, V>>> all() {
        return range(null, null);
      }
    };
  }

  /**
   * Queries a window store (a named windowed aggregation) of this application, from any instance,
   * routed as {@link #keyValueStore(String)}.
   *
   * <pre>{@code
   * List<KeyValue<Long, Long>> perMinute = streams.<String, Long>windowStore("views-per-minute")
   *     .fetch("home", from.toEpochMilli(), to.toEpochMilli()).toCompletableFuture().join();
   * }</pre>
   *
   * @param name the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the queryable store
   * @throws IllegalArgumentException if the topology has no such window store
   * @see #keyValueStore(String)
   */
  public <K, V> QueryableWindowStore<K, V> windowStore(String name) {
    StoreRoute route = route(name, StoreSpec.Type.WINDOW);
    return new QueryableWindowStore<>() {
      @Override
      public CompletionStage<List<KeyValue<Long, V>>> fetch(K key, long timeFrom, long timeTo) {
        byte[] kb = route.key(key);
        return route.scan(route.partitionOf(kb), windowKey(kb, Math.max(0, timeFrom), 0), windowKey(kb, timeTo, -1))
            .thenApply(entries -> entries.stream().filter(e -> e.key().length == kb.length + 12
                    && Arrays.equals(e.key(), 0, kb.length, kb, 0, kb.length))
                .map(e -> new KeyValue<Long, V>(ByteBuffer.wrap(e.key(), kb.length, 8).getLong(), route.value(e.value()))).toList());
      }

      @Override
      public CompletionStage<List<KeyValue<Windowed<K>, V>>> fetchAll(long timeFrom, long timeTo) {
        return route.scanAll(null, null, e -> {
          long start = ByteBuffer.wrap(e.key(), e.key().length - 12, 8).getLong();
          K k = route.keyOf(e.key(), e.key().length - 12);
          return new KeyValue<>(new Windowed<>(k, new Window(start, start + route.spec.windowSizeMs())), route.<V>value(e.value()));
        }).thenApply(list -> list.stream().filter(kv -> kv.key().window().start() >= timeFrom && kv.key().window().start() <= timeTo)
            .sorted(Comparator.comparingLong((KeyValue<Windowed<K>, V> kv) -> kv.key().window().start())).toList());
      }
    };
  }

  private static byte[] windowKey(byte[] key, long time, int seq) {
    return ByteBuffer.allocate(key.length + 12).put(key).putLong(time).putInt(seq).array();
  }

  private StoreRoute route(String name, StoreSpec.Type type) {
    StoreSpec spec = graph.stores().get(name);
    if (spec == null || spec.type() != type) {
      throw new IllegalArgumentException("the topology has no " + type.name().toLowerCase().replace('_', '-') + " store named '" + name
          + "'; its stores: " + graph.stores().keySet());
    }
    layout(); // an instance that was not started can query too
    SubTopology sub = subs.stream().filter(s -> s.stores().contains(name)).findFirst().orElseThrow();
    return new StoreRoute(spec, sub.id(), partitionsBySub.get(sub.id() + ""));
  }

  /** Where a store's partitions live and how its keys and values are (de)serialized. */
  private final class StoreRoute {
    final StoreSpec spec;
    final int sub;
    final int partitions;
    @SuppressWarnings("rawtypes") final Serde keySerde;
    @SuppressWarnings("rawtypes") final Serde valueSerde;

    StoreRoute(StoreSpec spec, int sub, int partitions) {
      this.spec = spec;
      this.sub = sub;
      this.partitions = partitions;
      this.keySerde = spec.keySerde() != null ? spec.keySerde() : config.defaultKeySerde();
      this.valueSerde = spec.valueSerde() != null ? spec.valueSerde() : config.defaultValueSerde();
      if (keySerde == null || valueSerde == null) {
        throw new IllegalStateException("store '" + spec.name() + "' has no serdes: give them with Materialized.with or set the defaults");
      }
    }

    @SuppressWarnings("unchecked")
    byte[] key(Object key) {
      return keySerde.serializer().serialize(spec.name(), key);
    }

    @SuppressWarnings("unchecked")
    <K> K keyOf(byte[] bytes, int length) {
      return (K) keySerde.deserializer().deserialize(spec.name(), Arrays.copyOf(bytes, length));
    }

    @SuppressWarnings("unchecked")
    <V> V value(byte[] bytes) {
      return (V) valueSerde.deserializer().deserialize(spec.name(), bytes);
    }

    int partitionOf(byte[] keyBytes) {
      return Partitioner.partitionForKey(keyBytes, partitions);
    }

    CompletionStage<List<TaskStateEntity.StoreEntry>> scan(int partition, byte[] from, byte[] to) {
      String entityId = TaskStateEntity.entityId(config.applicationId(), sub + "_" + partition);
      return AskPattern.<TaskStateEntity.Command, TaskStateEntity.ScanResult>ask(
              ClusterSharding.get(system).entityRefFor(TaskStateEntity.ENTITY_KEY, entityId),
              r -> new TaskStateEntity.Scan(spec.name(), from, to, r), ASK_TIMEOUT, system.scheduler())
          .thenApply(TaskStateEntity.ScanResult::entries);
    }

    /** Every partition, merged in serialized-key order. */
    <T> CompletionStage<List<T>> scanAll(byte[] from, byte[] to, java.util.function.Function<TaskStateEntity.StoreEntry, T> f) {
      List<CompletableFuture<List<TaskStateEntity.StoreEntry>>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        parts.add(scan(p, from, to).toCompletableFuture());
      }
      return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> parts.stream()
          .flatMap(part -> part.join().stream())
          .sorted((a, b) -> Arrays.compareUnsigned(a.key(), b.key()))
          .map(f).toList());
    }
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
