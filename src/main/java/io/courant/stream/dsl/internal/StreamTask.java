package io.courant.stream.dsl.internal;

import io.courant.client.TopicPartition;
import io.courant.log.Header;
import io.courant.stream.dsl.Cancellable;
import io.courant.stream.dsl.Processor;
import io.courant.stream.dsl.ProcessorContext;
import io.courant.stream.dsl.PunctuationType;
import io.courant.stream.dsl.Punctuator;
import io.courant.stream.dsl.Record;
import io.courant.stream.dsl.RecordContext;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.StateStore;
import io.courant.stream.dsl.TimestampExtractor;
import io.courant.stream.dsl.TopicNameExtractor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one sub-topology for one partition: deserializes input records, pushes them through the
 * processors, keeps the stores and stream time, collects store changes and the next input
 * offsets. The test driver and {@code CourantStreams} both run topologies through this class.
 */
public final class StreamTask {
  /** The header that marks a repartition record with the input record it came from, so re-sent copies are skipped. */
  static final String ORIGIN_HEADER = "courant.streams.origin";
  /** The system store that keeps, per upstream input partition, the last repartition record applied. */
  public static final String DEDUPE_STORE = "__courant-repartition-positions";

  /** A store change waiting to be persisted with the offsets. */
  public record StoreChange(String store, byte[] key, byte[] value) {}

  private final GraphBuilder graph;
  private final SubTopology sub;
  private final int partition;
  private final TaskEnv env;
  private final String taskId;
  private final Map<String, MemoryStore> stores = new LinkedHashMap<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Node> sourceByTopic = new HashMap<>();
  private final List<Punctuation> punctuations = new ArrayList<>();
  private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
  private final LinkedHashMap<String, StoreChange> changes = new LinkedHashMap<>();
  private final MemoryStore.Kv<String, String> dedupe;
  private long streamTime = -1;
  private RecordContext current;
  private String origin;
  private int originIndex;

  public StreamTask(GraphBuilder graph, SubTopology sub, int partition, TaskEnv env) {
    this.graph = graph;
    this.sub = sub;
    this.partition = partition;
    this.env = env;
    this.taskId = sub.id() + "_" + partition;
    ChangeLog log = (store, key, value) -> changes.put(store + "\0" + java.util.Base64.getEncoder().encodeToString(key.get()),
        new StoreChange(store, key.get(), value));
    for (String s : sub.stores()) {
      StoreSpec spec = graph.stores.get(s);
      stores.put(s, MemoryStore.create(spec, serde(spec.keySerde(), true, "store '" + s + "'"),
          serde(spec.valueSerde(), false, "store '" + s + "'"), log, () -> streamTime));
    }
    StoreSpec dedupeSpec = StoreSpec.keyValue(DEDUPE_STORE, Serdes.String(), Serdes.String());
    dedupe = new MemoryStore.Kv<>(dedupeSpec, Serdes.String(), Serdes.String(), log);
    for (String n : sub.nodes()) {
      nodes.put(n, new Node(graph.nodes.get(n)));
    }
    for (Node n : nodes.values()) {
      for (String c : n.def.children) {
        n.children.add(nodes.get(c));
      }
    }
    sub.sourceTopics().forEach((topic, node) -> sourceByTopic.put(topic, nodes.get(node)));
  }

  public String id() {
    return taskId;
  }

  public int partition() {
    return partition;
  }

  public SubTopology subTopology() {
    return sub;
  }

  /** Puts a persisted store entry back before processing starts. */
  public void restore(String store, byte[] key, byte[] value) {
    MemoryStore s = DEDUPE_STORE.equals(store) ? dedupe : stores.get(store);
    if (s != null) {
      s.restore(key, value);
    }
  }

  /** Sets where input resumes (restored offsets) and the restored stream time. */
  public void restorePosition(Map<TopicPartition, Long> offsets, long streamTime) {
    nextOffsets.putAll(offsets);
    this.streamTime = Math.max(this.streamTime, streamTime);
  }

  /** Creates and initializes the processors (after restore). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void init() {
    for (Node n : nodes.values()) {
      if (n.def.kind == NodeDef.Kind.PROCESSOR) {
        n.processor = (Processor) n.def.supplier.get();
      } else if (n.def.kind == NodeDef.Kind.SINK) {
        n.processor = new SinkProcessor(n.def);
      }
    }
    for (Node n : nodes.values()) {
      if (n.processor != null) {
        n.processor.init(n.context);
      }
    }
  }

  public MemoryStore store(String name) {
    return stores.get(name);
  }

  public Map<String, MemoryStore> stores() {
    return stores;
  }

  public long streamTime() {
    return streamTime;
  }

  /** Next offset to read per input partition, for what was processed so far. */
  public Map<TopicPartition, Long> nextOffsets() {
    return nextOffsets;
  }

  /** The store changes since the last call, the last write per key. */
  public List<StoreChange> takeChanges() {
    List<StoreChange> out = new ArrayList<>(changes.values());
    changes.clear();
    return out;
  }

  public boolean hasChanges() {
    return !changes.isEmpty();
  }

  /** Processes one input record. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void process(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    Node source = sourceByTopic.get(topic);
    if (source == null) {
      throw new IllegalArgumentException("task " + taskId + " does not read topic '" + topic + "'");
    }
    nextOffsets.put(new TopicPartition(topic, partition), offset + 1);
    env.metrics().increment(StreamsMetricsImpl.PROCESS_TOTAL);
    if (source.def.internalTopic && isDuplicate(headers)) {
      env.metrics().increment(StreamsMetricsImpl.DUPLICATES_SKIPPED_TOTAL);
      return;
    }
    Object k = serde(source.def.keySerde, true, "source topic '" + topic + "'").deserializer().deserialize(topic, key);
    Object v = serde(source.def.valueSerde, false, "source topic '" + topic + "'").deserializer().deserialize(topic, value);
    TimestampExtractor extractor = source.def.extractor != null ? source.def.extractor : env.defaultTimestampExtractor();
    long ts = timestamp;
    if (extractor != null) {
      ts = extractor.extract(new io.courant.stream.ConsumerRecord<>(topic, partition, offset, timestamp, k, v, headers), streamTime);
    }
    if (ts < 0) {
      env.metrics().increment(StreamsMetricsImpl.DROPPED_RECORDS_TOTAL);
      return;
    }
    List<Header> userHeaders = headers.stream().filter(h -> !h.key().equals(ORIGIN_HEADER)).toList();
    current = new RecordContext(topic, partition, offset, ts, userHeaders);
    origin = topic + ":" + partition + ":" + offset;
    originIndex = 0;
    streamTime = Math.max(streamTime, ts);
    try {
      source.forward(new Record<>(k, v, ts, userHeaders));
      punctuate(PunctuationType.STREAM_TIME, streamTime);
    } finally {
      current = null;
      origin = null;
    }
  }

  private boolean isDuplicate(List<Header> headers) {
    for (Header h : headers) {
      if (h.key().equals(ORIGIN_HEADER) && h.value() != null) {
        String o = new String(h.value(), StandardCharsets.UTF_8);
        String[] parts = o.split(":"); // topic:partition:offset:index (topic names have no ':')
        String upstream = parts[0] + ":" + parts[1];
        String position = parts[2] + ":" + parts[3];
        String last = dedupe.get(upstream);
        if (last != null && compare(position, last) <= 0) {
          return true;
        }
        dedupe.put(upstream, position);
        return false;
      }
    }
    return false;
  }

  /** Compares "offset:index" positions. */
  private static int compare(String a, String b) {
    String[] x = a.split(":");
    String[] y = b.split(":");
    int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  /** Runs wall-clock punctuations due at {@code now}. */
  public void punctuateWallClock(long now) {
    punctuate(PunctuationType.WALL_CLOCK_TIME, now);
  }

  private void punctuate(PunctuationType type, long now) {
    for (Punctuation p : List.copyOf(punctuations)) {
      if (p.type == type && !p.cancelled && now >= p.next) {
        p.next = now + p.interval;
        RecordContext saved = current;
        current = saved != null ? saved : new RecordContext(null, -1, -1, now, List.of());
        try {
          p.callback.punctuate(now);
        } finally {
          current = saved;
        }
      }
    }
  }

  public void close() {
    for (Node n : nodes.values()) {
      if (n.processor != null) {
        n.processor.close();
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Serde<Object> serde(Serde<?> given, boolean key, String where) {
    if (given instanceof DeferredSerde d) {
      return (Serde) d.resolve((s, isKey) -> serde(s, isKey, where));
    }
    Serde<?> s = given != null ? given : key ? env.defaultKeySerde() : env.defaultValueSerde();
    if (s == null) {
      throw new IllegalStateException("no " + (key ? "key" : "value") + " serde for " + where + ": give one (Consumed.with, Produced.with, "
          + "Grouped.with, Materialized.with...) or set " + (key ? "default.key.serde" : "default.value.serde"));
    }
    return (Serde) s;
  }

  private static final class Punctuation {
    final PunctuationType type;
    final long interval;
    final Punctuator callback;
    long next;
    boolean cancelled;

    Punctuation(PunctuationType type, long interval, Punctuator callback, long next) {
      this.type = type;
      this.interval = interval;
      this.callback = callback;
      this.next = next;
    }
  }

  /** A node of this task, with its processor and its context. */
  final class Node {
    final NodeDef def;
    final List<Node> children = new ArrayList<>();
    @SuppressWarnings("rawtypes") Processor processor;
    final Context context = new Context(this);

    Node(NodeDef def) {
      this.def = def;
    }

    @SuppressWarnings("unchecked")
    void forward(Record<?, ?> record) {
      for (Node c : children) {
        c.processor.process(record);
      }
    }
  }

  /** The context each node's processor sees. */
  public final class Context implements ProcessorContext<Object, Object> {
    private final Node node;

    Context(Node node) {
      this.node = node;
    }

    @Override
    public String applicationId() {
      return env.applicationId();
    }

    @Override
    public String taskId() {
      return taskId;
    }

    @Override
    public RecordContext recordMetadata() {
      return current;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <S extends StateStore> S getStateStore(String name) {
      if (node.def.stores.contains(name)) {
        return (S) stores.get(name);
      }
      StateStore global = env.globalStores().get(name);
      if (global != null) {
        return (S) global;
      }
      throw new IllegalArgumentException("processor '" + node.def.name + "' has no access to state store '" + name
          + "': connect it (KStream.process(supplier, \"" + name + "\")); connected: " + node.def.stores);
    }

    @Override
    public <K, V> void forward(Record<K, V> record) {
      node.forward(record);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <K, V> void forward(Record<K, V> record, String childName) {
      for (Node c : node.children) {
        if (c.def.name.equals(childName)) {
          c.processor.process(record);
          return;
        }
      }
      throw new IllegalArgumentException("processor '" + node.def.name + "' has no child named '" + childName + "'");
    }

    @Override
    public Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback) {
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("a punctuation interval must be at least 1 ms, not " + interval);
      }
      long now = type == PunctuationType.STREAM_TIME ? streamTime : env.wallClockMs();
      Punctuation p = new Punctuation(type, interval.toMillis(), callback, type == PunctuationType.STREAM_TIME && now < 0
          ? interval.toMillis() : now + interval.toMillis());
      punctuations.add(p);
      return () -> p.cancelled = true;
    }

    @Override
    public long currentStreamTimeMs() {
      return streamTime;
    }

    @Override
    public long currentSystemTimeMs() {
      return env.wallClockMs();
    }

    /** {@code given}, or the application's default key / value serde. */
    public Serde<Object> resolve(Serde<?> given, boolean key) {
      return serde(given, key, "processor '" + node.def.name + "'");
    }

    /** Counts a record an operator dropped (late, or without a key). */
    public void dropped(boolean late) {
      env.metrics().increment(StreamsMetricsImpl.DROPPED_RECORDS_TOTAL);
      if (late) {
        env.metrics().increment(StreamsMetricsImpl.LATE_RECORDS_DROPPED_TOTAL);
      }
    }
  }

  /** Serializes records and hands them to the environment; repartition records carry their origin. */
  private final class SinkProcessor implements Processor<Object, Object, Object, Object> {
    private final NodeDef def;

    SinkProcessor(NodeDef def) {
      this.def = def;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public void process(Record<Object, Object> record) {
      String topic;
      if (def.topicExtractor != null) {
        topic = ((TopicNameExtractor) def.topicExtractor).extract(record.key(), record.value(),
            current != null ? new RecordContext(current.topic(), current.partition(), current.offset(), record.timestamp(), record.headers())
                : new RecordContext(null, -1, -1, record.timestamp(), record.headers()));
        if (topic == null || topic.isEmpty()) {
          throw new IllegalStateException("the topic name extractor of sink '" + def.name + "' returned no topic for key " + record.key());
        }
      } else {
        topic = GraphBuilder.resolve(env.applicationId(), def, def.topics.get(0));
      }
      byte[] k = serde(def.keySerde, true, "sink '" + def.name + "' (topic '" + topic + "')").serializer().serialize(topic, record.key());
      byte[] v = serde(def.valueSerde, false, "sink '" + def.name + "' (topic '" + topic + "')").serializer().serialize(topic, record.value());
      List<Header> headers = record.headers();
      if (def.internalTopic && origin != null) {
        headers = new ArrayList<>(headers);
        headers.add(new Header(ORIGIN_HEADER, (origin + ":" + originIndex++).getBytes(StandardCharsets.UTF_8)));
      }
      env.send(topic, k, v, record.timestamp(), headers);
    }
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
