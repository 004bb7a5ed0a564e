package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code courant cluster}: the cluster's nodes and the partitions each one hosts. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Lists the cluster's nodes (by the broker ids Kafka clients see) and the partitions each leads.",
        "A partition not asked for since the cluster started is listed under the node that answered, as Kafka's Metadata names it."})
final class ClusterCommand extends NodeCommand {

  @Override
  public Integer call() {
    NodeClient client = node.client();
    Placement placement = Placement.read(client);
    var out = out();
    if (node.json()) {
      ObjectNode json = NodeClient.object();
      ArrayNode nodes = json.putArray("nodes");
      for (JsonNode b : placement.brokers()) {
        ObjectNode n = nodes.addObject().put("broker_id", b.path("broker_id").asInt()).put("host", b.path("host").asText())
            .put("port", b.path("port").asInt()).put("status", b.path("status").asText()).put("self", b.path("self").asBoolean());
        ArrayNode ps = n.putArray("partitions");
        placement.hostedBy(b.path("broker_id").asInt()).forEach(r -> ps.addObject().put("topic", r.path("topic_name").asText())
            .put("partition", r.path("partition_id").asInt()));
      }
      NodeOptions.printJson(out, json);
      return ExitCode.OK;
    }
    Table nodes = new Table("NODE", "HOST", "PORT", "STATUS", "PARTITIONS");
    Table partitions = new Table("NODE", "TOPIC", "PARTITIONS");
    for (JsonNode b : placement.brokers()) {
      int id = b.path("broker_id").asInt();
      nodes.row(id + (b.path("self").asBoolean() ? " *" : ""), b.path("host").asText(), b.path("port").asInt(),
          b.path("status").asText(), placement.hostedBy(id).size());
      Map<String, java.util.List<Integer>> byTopic = new TreeMap<>();
      placement.hostedBy(id).forEach(r -> byTopic.computeIfAbsent(r.path("topic_name").asText(), k -> new java.util.ArrayList<>())
          .add(r.path("partition_id").asInt()));
      byTopic.forEach((t, ps) -> partitions.row(id, t, numbers(ps)));
    }
    nodes.print(out);
    out.println("(* the node that answered)");
    if (!partitions.isEmpty()) {
      out.println();
      partitions.print(out);
    }
    return ExitCode.OK;
  }

  private static String numbers(java.util.List<Integer> ps) {
    return ps.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
  }
}
