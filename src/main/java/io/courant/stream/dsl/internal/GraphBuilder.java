package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.TimestampExtractor;
import io.courant.stream.dsl.TopicNameExtractor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The processor graph a {@code StreamsBuilder} builds: nodes, stores, global tables. */
public final class GraphBuilder {
  /** A global table: its topic, serdes, and the store that holds it on every instance. */
  public record GlobalSpec(String topic, String storeName, Serde<?> keySerde, Serde<?> valueSerde) {}

  final Map<String, NodeDef> nodes = new LinkedHashMap<>();
  final Map<String, StoreSpec> stores = new LinkedHashMap<>();
  final Map<String, GlobalSpec> globals = new LinkedHashMap<>();
  private final Set<String> sourceTopics = new LinkedHashSet<>();
  private int index;

  /** A new node name in Kafka's style, e.g. {@code KSTREAM-FILTER-0000000001}. */
  public String newName(String prefix) {
    return String.format("%s-%010d", prefix, index++);
  }

  /** A new store name, e.g. {@code KSTREAM-AGGREGATE-STATE-STORE-0000000003}. */
  public String newStoreName(String prefix) {
    return newName(prefix + "-STATE-STORE");
  }

  private NodeDef add(String name, NodeDef.Kind kind, List<String> parents) {
    if (nodes.containsKey(name)) {
      throw new IllegalArgumentException("the topology already has a node named '" + name + "'");
    }
    NodeDef n = new NodeDef(name, kind);
    for (String p : parents) {
      NodeDef parent = nodes.get(p);
      if (parent == null) {
        throw new IllegalArgumentException("no node named '" + p + "'");
      }
      if (parent.kind == NodeDef.Kind.SINK) {
        throw new IllegalArgumentException("sink '" + p + "' cannot have children");
      }
      parent.children.add(name);
      n.parents.add(p);
    }
    nodes.put(name, n);
    return n;
  }

  public NodeDef addSource(String name, List<String> topics, boolean internal, Serde<?> keySerde, Serde<?> valueSerde,
      TimestampExtractor extractor) {
    for (String t : topics) {
      if (!sourceTopics.add((internal ? "\0" : "") + t)) {
        throw new IllegalArgumentException("topic '" + t + "' is already read by another source of this topology");
      }
    }
    NodeDef n = add(name, NodeDef.Kind.SOURCE, List.of());
    n.topics = List.copyOf(topics);
    n.internalTopic = internal;
    n.keySerde = keySerde;
    n.valueSerde = valueSerde;
    n.extractor = extractor;
    return n;
  }

  public NodeDef addProcessor(String name, ProcessorSupplier<?, ?, ?, ?> supplier, String... parents) {
    NodeDef n = add(name, NodeDef.Kind.PROCESSOR, List.of(parents));
    n.supplier = supplier;
    return n;
  }

  public NodeDef addSink(String name, String topic, TopicNameExtractor<?, ?> extractor, boolean internal, Serde<?> keySerde,
      Serde<?> valueSerde, Integer partitions, String parent) {
    NodeDef n = add(name, NodeDef.Kind.SINK, List.of(parent));
    n.topics = topic == null ? List.of() : List.of(topic);
    n.topicExtractor = extractor;
    n.internalTopic = internal;
    n.keySerde = keySerde;
    n.valueSerde = valueSerde;
    n.partitions = partitions;
    return n;
  }

  /** Adds a store (if new) and connects it to nodes. */
  public void addStore(StoreSpec spec, String... nodeNames) {
    StoreSpec old = stores.putIfAbsent(spec.name(), spec);
    if (old != null && old != spec) {
      throw new IllegalArgumentException("the topology already has a store named '" + spec.name() + "'");
    }
    for (String n : nodeNames) {
      connect(spec.name(), n);
    }
  }

  public void connect(String store, String nodeName) {
    if (!stores.containsKey(store) && !globals.containsKey(store)) {
      throw new IllegalArgumentException("no state store named '" + store + "': add it with StreamsBuilder.addStateStore first");
    }
    if (globals.containsKey(store)) {
      return; // global stores are readable from every task
    }
    nodes.get(nodeName).stores.add(store);
  }

  public void addGlobal(GlobalSpec spec) {
    if (!sourceTopics.add(spec.topic())) {
      throw new IllegalArgumentException("topic '" + spec.topic() + "' is already read by another source of this topology");
    }
    if (globals.putIfAbsent(spec.storeName(), spec) != null || stores.containsKey(spec.storeName())) {
      throw new IllegalArgumentException("the topology already has a store named '" + spec.storeName() + "'");
    }
  }

  public NodeDef node(String name) {
    return nodes.get(name);
  }

  public Map<String, NodeDef> nodes() {
    return nodes;
  }

  public Map<String, StoreSpec> stores() {
    return stores;
  }

  public Map<String, GlobalSpec> globals() {
    return globals;
  }

  /** Internal topics are named {@code <application.id>-<name>}. */
  public static String resolve(String applicationId, NodeDef n, String topic) {
    return n.internalTopic ? applicationId + "-" + topic : topic;
  }

  /** Splits the graph into sub-topologies: nodes linked by an edge or a shared store run in one task. */
  public List<SubTopology> subTopologies(String applicationId) {
    Map<String, String> parent = new HashMap<>();
    for (String n : nodes.keySet()) {
      parent.put(n, n);
    }
    Map<String, String> storeOwner = new HashMap<>();
    for (NodeDef n : nodes.values()) {
      for (String p : n.parents) {
        union(parent, p, n.name);
      }
      for (String s : n.stores) {
        String owner = storeOwner.putIfAbsent(s, n.name);
        if (owner != null) {
          union(parent, owner, n.name);
        }
      }
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String n : nodes.keySet()) {
      groups.computeIfAbsent(find(parent, n), k -> new ArrayList<>()).add(n);
    }
    List<SubTopology> out = new ArrayList<>();
    for (List<String> members : groups.values()) {
      Map<String, String> topics = new LinkedHashMap<>();
      Set<String> storeNames = new LinkedHashSet<>();
      Map<String, Integer> sinks = new LinkedHashMap<>();
      for (String m : members) {
        NodeDef n = nodes.get(m);
        if (n.kind == NodeDef.Kind.SOURCE) {
          n.topics.forEach(t -> topics.put(resolve(applicationId, n, t), m));
        }
        if (n.kind == NodeDef.Kind.SINK && n.internalTopic) {
          sinks.put(resolve(applicationId, n, n.topics.get(0)), n.partitions);
        }
        storeNames.addAll(n.stores);
      }
      if (topics.isEmpty()) {
        throw new IllegalStateException("nodes " + members + " are not connected to any source topic");
      }
      out.add(new SubTopology(out.size(), List.copyOf(members), topics, storeNames, sinks));
    }
    return out;
  }

  private static String find(Map<String, String> parent, String n) {
    while (!parent.get(n).equals(n)) {
      n = parent.get(n);
    }
    return n;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      // keep the earlier-added node as the root so sub-topologies are numbered in build order
      parent.put(rb, ra);
    }
  }
}
