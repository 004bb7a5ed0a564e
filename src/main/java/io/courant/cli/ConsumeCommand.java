package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code courant consume TOPIC}: prints records as they arrive, through a bridge consumer
 * instance that lives for the command (deleted at the end, also on Ctrl-C). In a group it
 * subscribes and commits what it printed; without one it assigns the partitions itself and
 * commits nothing, so no group is left behind.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {"Prints a topic's records: partition, offset, timestamp, key and value (json: one object per line).",
        "Starts at the end unless told otherwise; stops after --max-messages, after --timeout without records, or on Ctrl-C."})
final class ConsumeCommand extends NodeCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long MAX_BYTES_PER_POLL = 4L << 20;


  @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
  String topic;
  @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
      description = "Read as a member of this consumer group: its partitions, from its committed offsets, committing what is printed.")
  String group;
  @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Read only this partition (not with --group).")
  Integer partition;
  @ArgGroup(exclusive = true)
  Start start;
  @Option(names = {"-n", "--max-messages"}, paramLabel = "N", description = "Stop after this many records.")
  Long maxMessages;
  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop when no record arrives for this long (e.g. 5s; default: wait for ever).")
  Duration timeout;
  @Option(names = "--print-headers", description = "Add a HEADERS column (k=v,...) to the table.")
  boolean printHeaders;

  /** Where to start: exactly one, or the end (new records only) by default. */
  static final class Start {
    @Option(names = "--from-beginning", description = "Start at each partition's first record (in a group: when it has no committed offset).")
    boolean fromBeginning;
    @Option(names = "--offset", paramLabel = "OFFSET", description = "Start at this offset (needs --partition).")
    Long offset;
    @Option(names = "--timestamp", paramLabel = "TIME",
        description = "Start at the first record at or after this time: epoch milliseconds or ISO-8601 (2026-11-22T07:00:00Z).")
    String timestamp;
  }

  private volatile long printed;

  @Override
  public Integer call() {
    check();
    NodeClient client = node.client();
    int partitions = client.get("/topics/" + NodeClient.segment(topic)).path("partitions").size();
    if (partition != null && partition >= partitions) {
      throw new CliException(ExitCode.NOT_FOUND, "partition " + partition + " of topic '" + topic + "' does not exist: it has partitions 0 to "
          + (partitions - 1));
    }
    Long startTime = start != null && start.timestamp != null ? TimeArgument.parse(spec.commandLine(), "--timestamp", start.timestamp).toEpochMilli() : null;
    String groupId = group != null ? group : "courant-cli-" + UUID.randomUUID();
    String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode create = NodeClient.object().put("name", name).put("format", "binary")
        .put("auto.offset.reset", start != null && start.fromBeginning ? "earliest" : "latest").put("enable.auto.commit", false);
    client.post("/consumers/" + NodeClient.segment(groupId), create);
    String instance = "/consumers/" + NodeClient.segment(groupId) + "/instances/" + name;
    AtomicBoolean finished = new AtomicBoolean();
    Runnable finish = () -> {
      if (finished.compareAndSet(false, true)) {
        deleteQuietly(client, instance);
        err().println("Processed a total of " + printed + " messages");
        err().flush();
      }
    };
    Thread onCtrlC = new Thread(finish, "courant-consume-finish");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      if (group != null) {
        client.post(instance + "/subscription", NodeClient.object().set("topics", NodeClient.JSON.createArrayNode().add(topic)));
      } else {
        position(client, instance, partitions, startTime);
      }
      poll(client, instance);
    } finally {
      finish.run();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook has run or runs now
      }
    }
    return ExitCode.OK;
  }

  private void check() {
    if (group != null && (partition != null || (start != null && (start.offset != null || start.timestamp != null)))) {
      throw new ParameterException(spec.commandLine(), "--group reads from the group's committed offsets: --partition, --offset and "
          + "--timestamp are for reading without a group (move a group with `courant groups reset-offsets`)");
    }
    if (start != null && start.offset != null && partition == null) {
      throw new ParameterException(spec.commandLine(), "--offset needs --partition: offsets are per partition");
    }
    if (start != null && start.offset != null && start.offset < 0) {
      throw new ParameterException(spec.commandLine(), "--offset must be 0 or more, not " + start.offset);
    }
    if (maxMessages != null && maxMessages < 1) {
      throw new ParameterException(spec.commandLine(), "--max-messages must be 1 or more, not " + maxMessages);
    }
  }

  /** Assigns the partitions to read and seeks them to the start asked for. */
  private void position(NodeClient client, String instance, int partitions, Long startTime) {
    List<Integer> ps = new ArrayList<>();
    if (partition != null) {
      ps.add(partition);
    } else {
      for (int p = 0; p < partitions; p++) {
        ps.add(p);
      }
    }
    ObjectNode assign = NodeClient.object();
    ArrayNode list = assign.putArray("partitions");
    ps.forEach(p -> list.addObject().put("topic", topic).put("partition", p));
    client.post(instance + "/assignments", assign);
    if (start != null && start.offset != null) {
      ObjectNode seek = NodeClient.object();
      seek.putArray("offsets").addObject().put("topic", topic).put("partition", partition).put("offset", start.offset);
      client.post(instance + "/positions", seek);
    } else if (startTime != null) {
      ObjectNode seek = NodeClient.object();
      ArrayNode offsets = seek.putArray("offsets");
      ps.forEach(p -> offsets.addObject().put("topic", topic).put("partition", p).put("timestamp", startTime));
      client.post(instance + "/positions", seek);
    } else {
      client.post(instance + (start != null && start.fromBeginning ? "/positions/beginning" : "/positions/end"), assign);
    }
  }

  private void poll(NodeClient client, String instance) {
    PrintWriter out = out();
    if (!node.json()) {
      out.println(String.format("%-9s  %-10s  %-24s  %-16s  ", "PARTITION", "OFFSET", "TIMESTAMP", "KEY") + (printHeaders ? "HEADERS  " : "")
          + "VALUE");
      out.flush();
    }
    long lastRecordAt = System.nanoTime();
    Duration wait = Duration.ofSeconds(1);
    while (maxMessages == null || printed < maxMessages) {
      JsonNode records = client.get(instance + "/records?timeout=" + wait.toMillis() + "&max_bytes=" + MAX_BYTES_PER_POLL,
          NodeClient.BINARY_V2, node.requestTimeout.plus(wait));
      Map<Integer, Long> toCommit = new LinkedHashMap<>();
      for (JsonNode r : records) {
        if (maxMessages != null && printed >= maxMessages) {
          break;
        }
        print(out, r);
        printed++;
        toCommit.put(r.path("partition").asInt(), r.path("offset").asLong() + 1);
      }
      out.flush();
      if (group != null && !toCommit.isEmpty()) {
        ObjectNode commit = NodeClient.object();
        ArrayNode offsets = commit.putArray("offsets");
        toCommit.forEach((p, o) -> offsets.addObject().put("topic", topic).put("partition", p).put("offset", o));
        client.post(instance + "/offsets", commit);
      }
      if (records.size() > 0) {
        lastRecordAt = System.nanoTime();
      } else if (timeout != null && System.nanoTime() - lastRecordAt >= timeout.toNanos()) {
        return;
      }
    }
  }

  private void print(PrintWriter out, JsonNode r) {
    String key = text(r.get("key"));
    String value = text(r.get("value"));
    if (node.json()) {
      ObjectNode o = NodeClient.object().put("topic", r.path("topic").asText()).put("partition", r.path("partition").asInt())
          .put("offset", r.path("offset").asLong()).put("timestamp", r.path("timestamp").asLong()).put("key", key).put("value", value);
      ArrayNode hs = o.putArray("headers");
      r.path("headers").forEach(h -> hs.addObject().put("key", h.path("key").asText()).put("value", text(h.get("value"))));
      out.println(o);
      return;
    }
    StringBuilder line = new StringBuilder(String.format("%-9d  %-10d  %-24s  %-16s  ", r.path("partition").asInt(),
        r.path("offset").asLong(), TIME.format(Instant.ofEpochMilli(r.path("timestamp").asLong())), key == null ? "null" : key));
    if (printHeaders) {
      List<String> hs = new ArrayList<>();
      r.path("headers").forEach(h -> hs.add(h.path("key").asText() + "=" + text(h.get("value"))));
      line.append(hs.isEmpty() ? "-" : String.join(",", hs)).append("  ");
    }
    out.println(line.append(value == null ? "null" : value));
  }

  /** A Base64 field of the binary format as UTF-8 text, or null. */
  private static String text(JsonNode base64) {
    return base64 == null || base64.isNull() ? null : new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(NodeClient client, String instance) {
    try {
      client.delete(instance);
    } catch (CliException alreadyGone) {
      // deleted by the other path (Ctrl-C during the normal end), or the node went away
    }
  }
}
