package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.TimestampExtractor;
import io.courant.stream.dsl.TopicNameExtractor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One node of the processor graph: a source (topics), a processor, or a sink (a topic). */
public final class NodeDef {
  public enum Kind { SOURCE, PROCESSOR, SINK }

  final String name;
  final Kind kind;
  final List<String> parents = new ArrayList<>();
  final List<String> children = new ArrayList<>();
  final Set<String> stores = new LinkedHashSet<>();
  ProcessorSupplier<?, ?, ?, ?> supplier;
  // sources and sinks: internal topics are named <application.id>-<topic>
  List<String> topics = List.of();
  boolean internalTopic;
  Serde<?> keySerde;
  Serde<?> valueSerde;
  TimestampExtractor extractor;
  TopicNameExtractor<?, ?> topicExtractor;
  Integer partitions;

  NodeDef(String name, Kind kind) {
    this.name = name;
    this.kind = kind;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public List<String> topics() {
    return topics;
  }

  public boolean internalTopic() {
    return internalTopic;
  }

  public List<String> children() {
    return children;
  }

  public List<String> parents() {
    return parents;
  }

  public Set<String> stores() {
    return stores;
  }

  public Integer partitions() {
    return partitions;
  }
}
