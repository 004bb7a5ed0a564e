package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code courant cluster}: the cluster's nodes and the partitions each one hosts. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Lists the cluster's nodes and the partitions each hosts.",
        "A partition not asked for since the cluster started is on no node yet: the next request starts it."})
final class ClusterCommand extends NodeCommand {

  @Override
  public Integer call() {
    NodeClient client = node.client();
    Placement placement = Placement.read(client);
    JsonNode topics = client.get(client.v3("/topics")).path("data");
    Set<String> hosted = new HashSet<>();
    placement.brokers().forEach(b -> placement.hostedBy(b.path("broker_id").asInt())
        .forEach(r -> hosted.add(r.path("topic_name").asText() + "/" + r.path("partition_id").asInt())));
    Map<String, java.util.List<Integer>> notStarted = new TreeMap<>();
    for (JsonNode t : topics) {
      for (int p = 0; p < t.path("partitions_count").asInt(); p++) {
        if (!hosted.contains(t.path("topic_name").asText() + "/" + p)) {
          notStarted.computeIfAbsent(t.path("topic_name").asText(), k -> new java.util.ArrayList<>()).add(p);
        }
      }
    }
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
      ArrayNode none = json.putArray("not_started");
      notStarted.forEach((t, ps) -> ps.forEach(p -> none.addObject().put("topic", t).put("partition", p)));
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
    notStarted.forEach((t, ps) -> partitions.row("(none)", t, numbers(ps)));
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
