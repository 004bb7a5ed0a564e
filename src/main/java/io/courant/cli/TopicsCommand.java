package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code courant topics list|create|describe|alter|delete}: topic administration through the v3 admin API. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "List, create, describe, alter and delete topics.",
    subcommands = {TopicsCommand.ListTopics.class, TopicsCommand.Create.class, TopicsCommand.Describe.class,
        TopicsCommand.Alter.class, TopicsCommand.Delete.class})
final class TopicsCommand extends CourantCli.Group {

  /** A topics sub-command: the topic's v3 path. */
  abstract static class TopicCommand extends NodeCommand {
    String topicPath(String topic) {
      return client().v3("/topics/" + NodeClient.segment(topic));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the topics with their partition counts.")
  static final class ListTopics extends TopicCommand {
    @Override
    public Integer call() {
      JsonNode topics = client().get(client().v3("/topics")).path("data");
      ArrayNode json = NodeClient.JSON.createArrayNode();
      Table table = new Table("TOPIC", "PARTITIONS", "TOPIC-ID");
      for (JsonNode t : topics) {
        json.addObject().put("name", t.path("topic_name").asText()).put("partitions", t.path("partitions_count").asInt())
            .put("topic_id", t.path("topic_id").asText());
        table.row(t.path("topic_name").asText(), t.path("partitions_count").asInt(), t.path("topic_id").asText());
      }
      return print(json, table);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a topic.")
  static final class Create extends TopicCommand {
    @Parameters(paramLabel = "TOPIC", description = "The topic's name: [a-zA-Z0-9._-], 1 to 249 characters.")
    String topic;
    @Option(names = {"-p", "--partitions"}, paramLabel = "N", defaultValue = "1", description = "Number of partitions (default ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
        description = "Checked (>= 1); Cassandra's keyspace replication decides (default ${DEFAULT-VALUE}).")
    int replicationFactor;
    @Option(names = {"-c", "--config"}, paramLabel = "NAME=VALUE", description = "A topic config, e.g. retention.ms=86400000 (repeatable).")
    Map<String, String> configs = new LinkedHashMap<>();
    @Option(names = "--if-not-exists", description = "Succeed without a change when the topic exists.")
    boolean ifNotExists;

    @Override
    public Integer call() {
      ObjectNode body = NodeClient.object().put("topic_name", topic).put("partitions_count", partitions)
          .put("replication_factor", replicationFactor);
      ArrayNode configList = body.putArray("configs");
      configs.forEach((k, v) -> configList.addObject().put("name", k).put("value", v));
      JsonNode created;
      boolean existed = false;
      try {
        created = client().post(client().v3("/topics"), body);
      } catch (CliException e) {
        if (!(ifNotExists && e.exitCode() == ExitCode.CONFLICT)) {
          throw e;
        }
        existed = true;
        created = client().get(topicPath(topic));
      }
      return print(NodeClient.object().put("name", topic).put("partitions", created.path("partitions_count").asInt())
          .put("topic_id", created.path("topic_id").asText()).put("created", !existed),
          existed ? "Topic '" + topic + "' already exists (" + created.path("partitions_count").asInt() + " partitions)."
              : "Created topic '" + topic + "' with " + partitions + (partitions == 1 ? " partition." : " partitions."));
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Shows a topic: its id, configs set on it, and per partition its start and end offsets, size and node.")
  static final class Describe extends TopicCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Override
    public Integer call() {
      JsonNode t = client().get(topicPath(topic));
      JsonNode configs = client().get(topicPath(topic) + "/configs").path("data");
      JsonNode partitions = client().get(topicPath(topic) + "/partitions").path("data");
      Map<Integer, JsonNode> nodes = Placement.read(client()).nodeOf(topic);
      if (node.json()) {
        ObjectNode json = NodeClient.object().put("name", topic).put("topic_id", t.path("topic_id").asText())
            .put("partitions_count", t.path("partitions_count").asInt());
        ObjectNode c = json.putObject("configs");
        ArrayNode overridden = json.putArray("overridden_configs");
        for (JsonNode config : configs) {
          c.put(config.path("name").asText(), config.path("value").asText());
          if (!config.path("is_default").asBoolean()) {
            overridden.add(config.path("name").asText());
          }
        }
        ArrayNode ps = json.putArray("partitions");
        for (JsonNode p : partitions) {
          int id = p.path("partition_id").asInt();
          ObjectNode po = ps.addObject().put("partition", id).put("start_offset", p.path("earliest_offset").asLong())
              .put("end_offset", p.path("latest_offset").asLong()).put("size_bytes", p.path("size_bytes").asLong());
          JsonNode n = nodes.get(id);
          if (n == null) {
            po.putNull("node");
          } else {
            po.put("node", n.path("broker_id").asInt());
          }
        }
        NodeOptions.printJson(out(), json);
        return ExitCode.OK;
      }
      List<String> set = new ArrayList<>();
      configs.forEach(config -> {
        if (!config.path("is_default").asBoolean()) {
          set.add(config.path("name").asText() + "=" + config.path("value").asText());
        }
      });
      out().println("Topic: " + topic + "  TopicId: " + t.path("topic_id").asText() + "  Partitions: " + t.path("partitions_count").asInt()
          + "  Configs: " + (set.isEmpty() ? "(defaults)" : String.join(",", set)));
      Table table = new Table("PARTITION", "START-OFFSET", "END-OFFSET", "RECORDS", "SIZE-BYTES", "NODE");
      for (JsonNode p : partitions) {
        JsonNode n = nodes.get(p.path("partition_id").asInt());
        long start = p.path("earliest_offset").asLong();
        long end = p.path("latest_offset").asLong();
        table.row(p.path("partition_id").asInt(), start, end, end - start, p.path("size_bytes").asLong(),
            n == null ? null : n.path("broker_id").asInt() + " (" + n.path("host").asText() + ":" + n.path("port").asInt() + ")");
      }
      table.print(out());
      return ExitCode.OK;
    }
  }

  @Command(name = "alter", mixinStandardHelpOptions = true,
      description = "Grows a topic's partitions and sets or removes its configs (configs all or nothing, then partitions).")
  static final class Alter extends TopicCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;
    @Option(names = {"-p", "--partitions"}, paramLabel = "N", description = "The new number of partitions (more than now: partitions only grow).")
    Integer partitions;
    @Option(names = {"-c", "--config"}, paramLabel = "NAME=VALUE", description = "Sets a topic config (repeatable).")
    Map<String, String> configs = new LinkedHashMap<>();
    @Option(names = "--delete-config", paramLabel = "NAME", description = "Removes a topic config: its default applies (repeatable).")
    List<String> deleteConfigs = new ArrayList<>();

    @Override
    public Integer call() {
      if (partitions == null && configs.isEmpty() && deleteConfigs.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "Nothing to alter: give --partitions, --config or --delete-config");
      }
      JsonNode t = client().get(topicPath(topic));
      int now = t.path("partitions_count").asInt();
      if (partitions != null && partitions <= now) {
        throw new ParameterException(spec.commandLine(), "--partitions " + partitions + ": topic '" + topic + "' has " + now
            + " partitions and partitions can only be added; give a number above " + now);
      }
      if (!configs.isEmpty() || !deleteConfigs.isEmpty()) {
        ObjectNode body = NodeClient.object();
        ArrayNode data = body.putArray("data");
        configs.forEach((k, v) -> data.addObject().put("name", k).put("value", v));
        deleteConfigs.forEach(k -> data.addObject().put("name", k).put("operation", "DELETE"));
        client().post(topicPath(topic) + "/configs:alter", body);
      }
      if (partitions != null) {
        client().patch(topicPath(topic), NodeClient.object().put("partitions_count", partitions));
      }
      int after = partitions == null ? now : partitions;
      ObjectNode json = NodeClient.object().put("name", topic).put("partitions", after);
      json.set("set_configs", NodeClient.JSON.valueToTree(configs));
      json.set("deleted_configs", NodeClient.JSON.valueToTree(deleteConfigs));
      return print(json, "Altered topic '" + topic + "': " + after + " partitions" + (configs.isEmpty() ? "" : ", set " + configs)
          + (deleteConfigs.isEmpty() ? "" : ", removed " + deleteConfigs) + ".");
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a topic and its records.")
  static final class Delete extends TopicCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;
    @Option(names = "--if-exists", description = "Succeed without a change when there is no such topic.")
    boolean ifExists;

    @Override
    public Integer call() {
      boolean deleted = true;
      try {
        client().delete(topicPath(topic));
      } catch (CliException e) {
        if (!(ifExists && e.exitCode() == ExitCode.NOT_FOUND)) {
          throw e;
        }
        deleted = false;
      }
      return print(NodeClient.object().put("name", topic).put("deleted", deleted),
          deleted ? "Deleted topic '" + topic + "'." : "Topic '" + topic + "' does not exist.");
    }
  }
}
