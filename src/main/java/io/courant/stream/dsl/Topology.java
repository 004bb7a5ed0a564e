package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.NodeDef;
import io.courant.stream.dsl.internal.SubTopology;
import java.util.List;

/**
 * A processor graph built by a {@link StreamsBuilder}: sources, processors, sinks and stores, split
 * into sub-topologies at repartition topics. Run it with {@link CourantStreams} (on a cluster) or
 * {@link TopologyTestDriver} (in the JVM, for tests); both execute the same graph.
 *
 * <pre>{@code
 * Topology topology = builder.build();
 * System.out.println(topology.describe());
 * new CourantStreams(topology, props, system).start();
 * }</pre>
 */
public final class Topology {
  final GraphBuilder graph;

  Topology(GraphBuilder graph) {
    this.graph = graph;
  }

  /**
   * The graph as text, in the shape of Kafka Streams' {@code TopologyDescription}: each
   * sub-topology with its nodes, their topics and stores, and their children. Internal topics are
   * shown with {@code <application.id>} as the prefix.
   */
  /**
   * Kafka-style description of the sub-topologies, their sources, processors, stores and sinks.
   *
   * <pre>{@code
   * System.out.println(builder.build().describe());
   * }</pre>
   *
   * @return the description
   */
  public String describe() {
    StringBuilder out = new StringBuilder("Topologies:\n");
    List<SubTopology> subs = graph.subTopologies("<application.id>");
    for (SubTopology sub : subs) {
      out.append("   Sub-topology: ").append(sub.id()).append('\n');
      for (String n : sub.nodes()) {
        NodeDef node = graph.node(n);
        out.append("    ").append(switch (node.kind()) {
          case SOURCE -> "Source: " + n + " (topics: " + node.topics().stream().map(t -> GraphBuilder.resolve("<application.id>", node, t)).toList() + ")";
          case PROCESSOR -> "Processor: " + n + " (stores: " + node.stores() + ")";
          case SINK -> "Sink: " + n + " (topic: " + (node.topics().isEmpty() ? "<chosen per record>"
              : GraphBuilder.resolve("<application.id>", node, node.topics().get(0))) + ")";
        }).append('\n');
        out.append("      --> ").append(node.children().isEmpty() ? "none" : String.join(", ", node.children())).append('\n');
        out.append("      <-- ").append(node.parents().isEmpty() ? "none" : String.join(", ", node.parents())).append('\n');
      }
    }
    graph.globals().values().forEach(g -> out.append("   Global store: ").append(g.storeName()).append(" (topic: ").append(g.topic()).append(")\n"));
    return out.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
