package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code courant groups list|describe|reset-offsets|delete}, as {@code kafka-consumer-groups} does them. */
@Command(name = "groups", mixinStandardHelpOptions = true,
    description = "List, describe (offsets, lag, members), reset the offsets of, and delete consumer groups.",
    subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Describe.class, GroupsCommand.ResetOffsets.class,
        GroupsCommand.Delete.class})
final class GroupsCommand extends CourantCli.Group {

  /** A groups sub-command: the group's v3 path. */
  abstract static class GroupCommand extends NodeCommand {
    String groupPath(String group) {
      return client().v3("/consumer-groups/" + NodeClient.segment(group));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the consumer groups with their state.")
  static final class ListGroups extends GroupCommand {
    @Override
    public Integer call() {
      JsonNode groups = client().get(client().v3("/consumer-groups")).path("data");
      ArrayNode json = NodeClient.JSON.createArrayNode();
      Table table = new Table("GROUP", "STATE", "ASSIGNOR");
      for (JsonNode g : groups) {
        json.addObject().put("group", g.path("consumer_group_id").asText()).put("state", kafkaState(g.path("state").asText()))
            .put("assignor", text(g.path("partition_assignor")));
        table.row(g.path("consumer_group_id").asText(), kafkaState(g.path("state").asText()), text(g.path("partition_assignor")));
      }
      return print(json, table);
    }
  }

  /** One row of {@code describe}: a partition the group committed or is assigned. */
  private record PartitionRow(String topic, int partition, Long committed, long logEnd, String consumer) {
    Long lag() {
      return committed == null ? null : Math.max(0, logEnd - committed);
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = {"Shows a group's state, and per partition its committed offset, the log end offset, the lag and the member",
          "that holds it (as kafka-consumer-groups --describe)."})
  static final class Describe extends GroupCommand {
    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
      JsonNode g = client().get(groupPath(group));
      String state = kafkaState(g.path("state").asText());
      Map<String, PartitionRow> rows = new TreeMap<>();
      for (JsonNode l : client().get(groupPath(group) + "/lags").path("data")) {
        rows.put(key(l.path("topic_name").asText(), l.path("partition_id").asInt()), new PartitionRow(l.path("topic_name").asText(),
            l.path("partition_id").asInt(), l.path("current_offset").asLong(), l.path("log_end_offset").asLong(),
            text(l.path("consumer_id"))));
      }
      List<JsonNode> members = new ArrayList<>();
      client().get(groupPath(group) + "/consumers").path("data").forEach(members::add);
      for (JsonNode m : members) {
        String id = m.path("consumer_id").asText();
        for (JsonNode a : client().get(groupPath(group) + "/consumers/" + NodeClient.segment(id) + "/assignments").path("data")) {
          String topic = a.path("topic_name").asText();
          int p = a.path("partition_id").asInt();
          rows.computeIfAbsent(key(topic, p), k -> new PartitionRow(topic, p, null, logEnd(topic, p), id));
        }
      }
      List<PartitionRow> sorted = rows.values().stream()
          .sorted(Comparator.comparing(PartitionRow::topic).thenComparingInt(PartitionRow::partition)).toList();
      if (node.json()) {
        ObjectNode json = NodeClient.object().put("group", group).put("state", state)
            .put("assignor", text(g.path("partition_assignor"))).put("members", members.size());
        ArrayNode ps = json.putArray("partitions");
        long total = 0;
        for (PartitionRow r : sorted) {
          ObjectNode o = ps.addObject().put("topic", r.topic()).put("partition", r.partition());
          o.put("current_offset", r.committed()).put("log_end_offset", r.logEnd()).put("lag", r.lag()).put("consumer_id", r.consumer());
          total += r.lag() == null ? 0 : r.lag();
        }
        json.put("total_lag", total);
        NodeOptions.printJson(out(), json);
        return ExitCode.OK;
      }
      out().println(members.isEmpty() ? "Consumer group '" + group + "' has no active members (state " + state + ")."
          : "Consumer group '" + group + "': state " + state + ", " + members.size() + " member"
              + (members.size() == 1 ? "" : "s") + ", assignor " + text(g.path("partition_assignor")) + ".");
      out().println();
      Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID");
      sorted.forEach(r -> table.row(group, r.topic(), r.partition(), r.committed(), r.logEnd(), r.lag(), r.consumer()));
      table.print(out());
      return ExitCode.OK;
    }

    private long logEnd(String topic, int partition) {
      return client().get(client().v3("/topics/" + NodeClient.segment(topic) + "/partitions/" + partition)).path("latest_offset").asLong();
    }

    static String key(String topic, int partition) {
      return topic + "\u0000" + String.format("%010d", partition);
    }
  }

  /** Where {@code reset-offsets} moves the offsets: exactly one. */
  static final class Target {
    @Option(names = "--to-earliest", required = true, description = "To each partition's log start offset.")
    boolean earliest;
    @Option(names = "--to-latest", required = true, description = "To each partition's log end offset.")
    boolean latest;
    @Option(names = "--to-offset", required = true, paramLabel = "OFFSET", description = "To this offset (clamped to the log).")
    Long offset;
    @Option(names = "--to-datetime", required = true, paramLabel = "DATETIME",
        description = "To the first record at or after this time: ISO-8601 (2026-11-22T07:00:00Z; no zone: this machine's) or epoch ms.")
    String datetime;
  }

  @Command(name = "reset-offsets", mixinStandardHelpOptions = true,
      description = {"Resets an empty group's committed offsets (at once, as kafka-consumer-groups --reset-offsets --execute).",
          "Exit code 4 while the group has members."})
  static final class ResetOffsets extends GroupCommand {
    @Parameters(paramLabel = "GROUP")
    String group;
    @Option(names = "--topic", paramLabel = "TOPIC", description = "A topic to reset, all its partitions (repeatable).")
    List<String> topics = new ArrayList<>();
    @Option(names = "--all-topics", description = "Every partition the group has committed offsets for.")
    boolean allTopics;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;
    @Option(names = "--execute", description = "Accepted for kafka-consumer-groups' sake: the reset always runs.")
    boolean execute;

    @Override
    public Integer call() {
      if (topics.isEmpty() == !allTopics) {
        throw new ParameterException(spec.commandLine(), "Give either --topic (one or more) or --all-topics");
      }
      ObjectNode body = NodeClient.object();
      if (target.earliest) {
        body.put("to", "earliest");
      } else if (target.latest) {
        body.put("to", "latest");
      } else if (target.offset != null) {
        if (target.offset < 0) {
          throw new ParameterException(spec.commandLine(), "--to-offset must be 0 or more, not " + target.offset);
        }
        body.put("to", "offset").put("offset", target.offset);
      } else {
        body.put("to", "timestamp").put("timestamp", TimeArgument.parse(spec.commandLine(), "--to-datetime", target.datetime).toEpochMilli());
      }
      if (!allTopics) {
        body.set("topics", NodeClient.JSON.valueToTree(topics));
      }
      JsonNode result = client().post(groupPath(group) + "/offsets:reset", body);
      Map<String, JsonNode> sorted = new TreeMap<>();
      result.path("data").forEach(d -> sorted.put(Describe.key(d.path("topic_name").asText(), d.path("partition_id").asInt()), d));
      ArrayNode json = NodeClient.JSON.createArrayNode();
      Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
      sorted.values().forEach(d -> {
        json.addObject().put("topic", d.path("topic_name").asText()).put("partition", d.path("partition_id").asInt())
            .put("offset", d.path("offset").asLong());
        table.row(group, d.path("topic_name").asText(), d.path("partition_id").asInt(), d.path("offset").asLong());
      });
      return print(NodeClient.object().put("group", group).set("partitions", json), table);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes a consumer group and its committed offsets (exit code 4 while it has members).")
  static final class Delete extends GroupCommand {
    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
      client().delete(groupPath(group));
      return print(NodeClient.object().put("group", group).put("deleted", true), "Deleted consumer group '" + group + "'.");
    }
  }

  /** A group state as Kafka names it: EMPTY → Empty, PREPARING_REBALANCE → PreparingRebalance. */
  static String kafkaState(String state) {
    StringBuilder b = new StringBuilder();
    for (String word : state.toLowerCase(java.util.Locale.ROOT).split("_")) {
      if (!word.isEmpty()) {
        b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return b.toString();
  }

  /** A text field, or null when it is missing, null or blank. */
  private static String text(JsonNode field) {
    return field.isMissingNode() || field.isNull() || field.asText().isBlank() ? null : field.asText();
  }
}
