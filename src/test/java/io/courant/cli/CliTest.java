package io.courant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courant.client.Partitioner;
import io.courant.http.HttpNode;
import io.courant.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/courant}'s client commands against a real node (its HTTP API on a free port): each
 * command, its exit code on bad input, its {@code --output json} read back; and {@code bin/courant}
 * itself run as a process.
 */
class CliTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One run of the CLI: exit code, standard output and standard error. */
  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON (exit " + code + ", stderr " + err + "): " + out, e);
      }
    }

    /** JSON Lines output (consume), one node per line. */
    List<JsonNode> jsonLines() {
      return out.lines().filter(l -> !l.isBlank()).map(l -> {
        try {
          return JSON.readTree(l);
        } catch (IOException e) {
          throw new AssertionError("not a JSON line: " + l, e);
        }
      }).toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static String server() {
    return node.uri("/").getHost() + ":" + node.uri("/").getPort();
  }

  /** Runs a command against the test node, with {@code stdin} as standard input. */
  static Run runWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add(server());
    return execute(stdin, all.toArray(String[]::new));
  }

  /** Runs a command as given: no --server added, no standard input. */
  static Run runWithoutServer(String... args) {
    return execute("", args);
  }

  private static Run execute(String stdin, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = CourantCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out),
        new PrintWriter(err));
    Run run = new Run(code, out.toString(), err.toString());
    System.out.println("$ courant " + String.join(" ", args) + "\n" + run);   // the test's output file shows each command
    return run;
  }

  static Run run(String... args) {
    return runWithInput("", args);
  }

  static Run ok(String... args) {
    Run r = run(args);
    assertEquals(ExitCode.OK, r.code(), r.toString());
    return r;
  }

  @Test
  void createsListsDescribesAltersAndDeletesTopics() {
    String topic = TestNode.uniqueTopic("cli-topic");
    Run created = ok("topics", "create", topic, "--partitions", "3", "--config", "retention.ms=1000000", "-o", "json");
    assertEquals(3, created.json().get("partitions").asInt());
    assertTrue(created.json().get("created").asBoolean());

    Run again = run("topics", "create", topic);
    assertEquals(ExitCode.CONFLICT, again.code(), again.toString());
    assertTrue(again.err().contains(topic), again.err());
    assertFalse(ok("topics", "create", topic, "--if-not-exists", "-o", "json").json().get("created").asBoolean());

    JsonNode listed = ok("topics", "list", "--output", "json").json();
    assertTrue(listed.findValuesAsText("name").contains(topic), listed.toString());
    assertTrue(ok("topics", "list").out().lines().anyMatch(l -> l.startsWith(topic + " ") && l.contains(" 3 ")));

    JsonNode described = ok("topics", "describe", topic, "-o", "json").json();
    assertEquals(3, described.get("partitions").size());
    assertEquals("1000000", described.get("configs").get("retention.ms").asText());
    assertEquals(List.of("retention.ms"), List.of(described.get("overridden_configs").get(0).asText()));
    assertTrue(ok("topics", "describe", topic).out().contains("Configs: retention.ms=1000000"));

    ok("topics", "alter", topic, "--partitions", "5", "--config", "cleanup.policy=compact", "--delete-config", "retention.ms");
    JsonNode altered = ok("topics", "describe", topic, "-o", "json").json();
    assertEquals(5, altered.get("partitions_count").asInt());
    assertEquals("compact", altered.get("configs").get("cleanup.policy").asText());
    assertEquals(List.of("cleanup.policy"), List.of(altered.get("overridden_configs").get(0).asText()));

    Run shrink = run("topics", "alter", topic, "--partitions", "2", "--config", "retention.ms=5");
    assertEquals(ExitCode.USAGE, shrink.code(), shrink.toString());
    assertTrue(shrink.err().contains("can only be added"), shrink.err());
    assertFalse(ok("topics", "describe", topic, "-o", "json").json().get("configs").get("retention.ms").asText().equals("5"),
        "a refused alter changed nothing");

    ok("topics", "delete", topic);
    Run gone = run("topics", "describe", topic);
    assertEquals(ExitCode.NOT_FOUND, gone.code(), gone.toString());
    assertTrue(gone.err().contains(topic), gone.err());
    assertEquals(ExitCode.NOT_FOUND, run("topics", "delete", topic).code());
    assertFalse(ok("topics", "delete", topic, "--if-exists", "-o", "json").json().get("deleted").asBoolean());
  }

  @Test
  void refusesBadArgumentsWithTheUsageExitCode() {
    Run missing = run("topics", "create");
    assertEquals(ExitCode.USAGE, missing.code(), missing.toString());
    assertTrue(missing.err().contains("Missing required parameter: 'TOPIC'"), missing.err());
    assertTrue(missing.err().contains("Try 'courant topics create --help'"), missing.err());

    Run notANumber = run("topics", "create", "x", "--partitions", "many");
    assertEquals(ExitCode.USAGE, notANumber.code());
    assertTrue(notANumber.err().contains("'many' is not an int"), notANumber.err());

    Run badName = run("topics", "create", "no/slashes");
    assertEquals(ExitCode.USAGE, badName.code(), badName.toString());   // refused by the node (422)

    Run badOutput = run("topics", "list", "--output", "yaml");
    assertEquals(ExitCode.USAGE, badOutput.code());
    assertTrue(badOutput.err().contains("table, json"), badOutput.err());

    Run offsetAlone = run("consume", "t", "--offset", "4");
    assertEquals(ExitCode.USAGE, offsetAlone.code());
    assertTrue(offsetAlone.err().contains("--offset needs --partition"), offsetAlone.err());

    Run twoStarts = run("consume", "t", "--from-beginning", "--timestamp", "0");
    assertEquals(ExitCode.USAGE, twoStarts.code());

    Run groupAndPartition = run("consume", "t", "--group", "g", "--partition", "0");
    assertEquals(ExitCode.USAGE, groupAndPartition.code());

    Run noTarget = run("groups", "reset-offsets", "g", "--topic", "t");
    assertEquals(ExitCode.USAGE, noTarget.code());
    Run noTopics = run("groups", "reset-offsets", "g", "--to-earliest");
    assertEquals(ExitCode.USAGE, noTopics.code());
    assertTrue(noTopics.err().contains("--all-topics"), noTopics.err());
    Run badTime = run("groups", "reset-offsets", "g", "--all-topics", "--to-datetime", "yesterday");
    assertEquals(ExitCode.USAGE, badTime.code());
    assertTrue(badTime.err().contains("ISO-8601"), badTime.err());

    Run noSub = runWithoutServer("groups");
    assertEquals(ExitCode.USAGE, noSub.code());
    assertTrue(noSub.err().contains("list, describe, reset-offsets, delete"), noSub.err());

    Run help = run("produce", "--help");
    assertEquals(ExitCode.OK, help.code());
    assertTrue(help.out().contains("--parse-key"), help.out());
  }

  @Test
  void saysTheServerIsUnreachable() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run r = runWithoutServer("cluster", "--server", "127.0.0.1:" + closed);
    assertEquals(ExitCode.UNREACHABLE, r.code(), r.toString());
    assertTrue(r.err().contains("cannot reach a Courant node at http://127.0.0.1:" + closed), r.err());
  }

  @Test
  void producesKeyedLinesWithHeadersAndConsumesThemFromEveryStart() {
    String topic = TestNode.uniqueTopic("cli-produce");
    ok("topics", "create", topic, "--partitions", "2");
    String lines = IntStream.range(0, 20).mapToObj(i -> "key-" + i + ":value " + i).collect(Collectors.joining("\n")) + "\n";
    JsonNode produced = okWithInput(lines, "produce", topic, "--parse-key", "--key-separator", ":", "--header", "trace=t1",
        "-o", "json").json();
    assertEquals(20, produced.get("records").asLong());

    List<JsonNode> all = ok("consume", topic, "--from-beginning", "--max-messages", "20", "-o", "json").jsonLines();
    assertEquals(20, all.size());
    Set<String> values = new HashSet<>();
    for (JsonNode r : all) {
      String key = r.get("key").asText();
      assertEquals(key.replace("key-", "value "), r.get("value").asText());
      assertEquals(Partitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 2), r.get("partition").asInt(),
          "keyed records land where Kafka's murmur2 puts them");
      assertEquals("t1", r.get("headers").get(0).get("value").asText());
      assertTrue(r.get("timestamp").asLong() > 0);
      values.add(r.get("value").asText());
    }
    assertEquals(20, values.size());

    JsonNode second = ok("consume", topic, "--partition", "1", "--offset", "1", "--max-messages", "1", "-o", "json").jsonLines().get(0);
    assertEquals(1, second.get("partition").asInt());
    assertEquals(1, second.get("offset").asLong());

    Run table = ok("consume", topic, "--partition", "0", "--from-beginning", "--max-messages", "2", "--print-headers");
    assertTrue(table.out().startsWith("PARTITION  OFFSET"), table.out());
    assertTrue(table.out().lines().skip(1).allMatch(l -> l.startsWith("0 ") && l.contains("key-") && l.contains("trace=t1")), table.out());
    assertTrue(table.err().contains("Processed a total of 2 messages"), table.err());

    long future = System.currentTimeMillis() + 3_600_000;
    Run none = ok("consume", topic, "--timestamp", String.valueOf(future), "--timeout", "2s", "-o", "json");
    assertEquals(0, none.jsonLines().size());
    List<JsonNode> fromTime = ok("consume", topic, "--timestamp", "2000-01-01T00:00:00Z", "--max-messages", "20", "-o", "json")
        .jsonLines();
    assertEquals(20, fromTime.size());

    Run missing = run("consume", "no-such-topic-" + topic, "--max-messages", "1");
    assertEquals(ExitCode.NOT_FOUND, missing.code(), missing.toString());
    Run noPartition = run("consume", topic, "--partition", "9", "--max-messages", "1");
    assertEquals(ExitCode.NOT_FOUND, noPartition.code(), noPartition.toString());
  }

  @Test
  void producesAFileWithAProgressBarAndRefusesABadFileWhole(@TempDir Path dir) throws IOException {
    String topic = TestNode.uniqueTopic("cli-file");
    ok("topics", "create", topic, "--partitions", "4");
    Path file = dir.resolve("records.txt");
    Files.write(file, IntStream.range(0, 5000).mapToObj(i -> "k" + i + "\tline " + i).toList());
    Run produced = ok("produce", topic, "--file", file.toString(), "--parse-key", "--progress", "--batch-size", "700");
    assertTrue(produced.out().contains("Produced 5000 records to '" + topic + "' (4 partitions)"), produced.out());
    assertTrue(produced.err().contains("Producing") && produced.err().contains("rec/s") && produced.err().contains("5000/5000"),
        produced.err());
    assertEquals(5000, endOffsets(topic));

    Path bad = dir.resolve("bad.txt");
    Files.write(bad, List.of("a\tb", "c\td", "no separator here", "e\tf"));
    Run refused = run("produce", topic, "--file", bad.toString(), "--parse-key");
    assertEquals(ExitCode.USAGE, refused.code(), refused.toString());
    assertTrue(refused.err().contains("line 3") && refused.err().contains("nothing was sent"), refused.err());
    assertEquals(5000, endOffsets(topic), "a refused file writes nothing");

    Run midway = runWithInput("a\tb\nc\td\nno separator\n", "produce", topic, "--parse-key", "--batch-size", "1");
    assertEquals(ExitCode.USAGE, midway.code(), midway.toString());
    assertTrue(midway.err().contains("line 3 has no key separator '\\t'") && midway.err().contains("2 records before it were sent"),
        midway.err());
    assertEquals(5002, endOffsets(topic), "from standard input, the batches before the bad line are written");
    assertEquals(ExitCode.NOT_FOUND, runWithInput("x\n", "produce", "no-such-" + topic).code());

    Run plain = okWithInput("one\ntwo\n", "produce", topic, "--partition", "3", "-o", "json");
    assertEquals(2, plain.json().get("partitions").get(0).get("records").asLong());
    assertEquals(3, plain.json().get("partitions").get(0).get("partition").asInt());
  }

  @Test
  void describesResetsAndDeletesConsumerGroups() {
    String topic = TestNode.uniqueTopic("cli-groups");
    String group = "cli-group-" + topic;
    ok("topics", "create", topic, "--partitions", "2");
    okWithInput(IntStream.range(0, 10).mapToObj(i -> "k" + i + ":r" + i).collect(Collectors.joining("\n")), "produce", topic,
        "--parse-key", "--key-separator", ":");   // keyed: both partitions get records

    List<JsonNode> read = ok("consume", topic, "--group", group, "--from-beginning", "--max-messages", "10", "-o", "json")
        .jsonLines();
    assertEquals(10, read.size());

    JsonNode groups = ok("groups", "list", "-o", "json").json();
    assertTrue(groups.findValuesAsText("group").contains(group), groups.toString());

    JsonNode described = ok("groups", "describe", group, "-o", "json").json();
    assertEquals(2, described.get("partitions").size());
    assertEquals(0, described.get("total_lag").asLong());
    long committed = 0;
    for (JsonNode p : described.get("partitions")) {
      assertEquals(p.get("log_end_offset").asLong(), p.get("current_offset").asLong());
      committed += p.get("current_offset").asLong();
    }
    assertEquals(10, committed);

    okWithInput("late-1\nlate-2\nlate-3\n", "produce", topic);
    assertEquals(3, ok("groups", "describe", group, "-o", "json").json().get("total_lag").asLong());
    Run table = ok("groups", "describe", group);
    assertTrue(table.out().contains("has no active members (state Empty)"), table.out());
    assertTrue(table.out().contains("CURRENT-OFFSET  LOG-END-OFFSET  LAG"), table.out());

    JsonNode reset = ok("groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "-o", "json").json();
    assertEquals(2, reset.get("partitions").size());
    reset.get("partitions").forEach(p -> assertEquals(0, p.get("offset").asLong()));
    assertEquals(13, ok("groups", "describe", group, "-o", "json").json().get("total_lag").asLong());

    ok("groups", "reset-offsets", group, "--all-topics", "--to-latest");
    assertEquals(0, ok("groups", "describe", group, "-o", "json").json().get("total_lag").asLong());
    ok("groups", "reset-offsets", group, "--all-topics", "--to-offset", "1", "--execute");
    assertEquals(11, ok("groups", "describe", group, "-o", "json").json().get("total_lag").asLong());
    ok("groups", "reset-offsets", group, "--all-topics", "--to-datetime", "2000-01-01T00:00:00Z");
    assertEquals(13, ok("groups", "describe", group, "-o", "json").json().get("total_lag").asLong());

    ok("groups", "delete", group);
    Run gone = run("groups", "describe", group);
    assertEquals(ExitCode.NOT_FOUND, gone.code(), gone.toString());
    assertEquals(ExitCode.NOT_FOUND, run("groups", "delete", group).code());
    assertEquals(ExitCode.NOT_FOUND, run("groups", "reset-offsets", group, "--all-topics", "--to-earliest").code());
  }

  @Test
  void refusesToResetOrDeleteAGroupWithMembers() {
    String topic = node.topicWithRecords("cli-members", 1, 3);
    String group = "cli-busy-" + topic;
    String instance = "/consumers/" + group + "/instances/m1";
    assertEquals(200, node.post("/consumers/" + group, HttpNode.V2, "{\"name\":\"m1\",\"format\":\"text\","
        + "\"auto.offset.reset\":\"earliest\"}").status());
    assertEquals(204, node.post(instance + "/subscription", HttpNode.V2, "{\"topics\":[\"" + topic + "\"]}").status());
    try {
      // Polls join the group; the first join waits out the group's initial rebalance delay (3 s).
      io.courant.testing.Await.until("the instance a member of its group, with its partition", java.time.Duration.ofSeconds(30), () ->
          node.get(instance + "/records?timeout=500", HttpNode.TEXT_V2).status() == 200
              && ok("groups", "describe", group, "-o", "json").json().get("partitions").size() == 1);
      JsonNode described = ok("groups", "describe", group, "-o", "json").json();
      assertEquals(1, described.get("members").asInt());
      assertEquals(1, described.get("partitions").size());
      assertFalse(described.get("partitions").get(0).get("consumer_id").isNull(), described.toString());

      Run reset = run("groups", "reset-offsets", group, "--all-topics", "--to-earliest");
      assertEquals(ExitCode.CONFLICT, reset.code(), reset.toString());
      assertTrue(reset.err().contains("members"), reset.err());
      assertEquals(ExitCode.CONFLICT, run("groups", "delete", group).code());
    } finally {
      node.delete(instance);
    }
  }

  @Test
  void showsTheNodesAndThePartitionsEachHosts() {
    String topic = node.topicWithRecords("cli-cluster", 3, 3);
    JsonNode cluster = ok("cluster", "-o", "json").json();
    assertEquals(1, cluster.get("nodes").size());
    JsonNode self = cluster.get("nodes").get(0);
    assertEquals("Up", self.get("status").asText());
    assertTrue(self.get("self").asBoolean());
    List<Integer> hosted = new ArrayList<>();
    self.get("partitions").forEach(p -> {
      if (p.get("topic").asText().equals(topic)) {
        hosted.add(p.get("partition").asInt());
      }
    });
    assertEquals(List.of(0, 1, 2), hosted);
    int id = self.get("broker_id").asInt();
    assertEquals(node.get("/v3/clusters/courant/brokers").json().get("data").get(0).get("broker_id").asInt(), id, "the v3 broker id");

    Run table = ok("cluster");
    assertTrue(table.out().contains("NODE"), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.startsWith(id + " ") && l.contains(topic) && l.endsWith("0,1,2")), table.out());
    JsonNode described = ok("topics", "describe", topic, "-o", "json").json();
    described.get("partitions").forEach(p -> assertEquals(id, p.get("node").asInt()));
  }

  @Test
  void binCourantRunsTheCommandsAsAProcess() throws Exception {
    String topic = node.topicWithRecords("cli-process", 2, 4);
    Path home = Path.of(System.getProperty("courant.home", "."));
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/courant").toString(), "topics", "describe", topic, "--output", "json")
        .directory(home.toFile());
    pb.environment().put("COURANT_SERVER", server());    // the address from the environment
    pb.environment().put("COURANT_SKIP_BUILD", "1");     // Maven has just built target/
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out + err);
    JsonNode described = JSON.readTree(out);
    assertEquals(2, described.get("partitions").size());
    assertEquals(4, described.get("partitions").get(0).get("end_offset").asLong() + described.get("partitions").get(1).get("end_offset").asLong());

    pb.command(home.resolve("bin/courant").toString(), "topics", "describe", "no-such-" + topic);
    Process missing = pb.start();
    missing.getInputStream().readAllBytes();
    String missingErr = new String(missing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(missing.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCode.NOT_FOUND, missing.exitValue(), missingErr);
    assertTrue(missingErr.contains("no-such-" + topic), missingErr);
  }

  @Test
  void aConsumeStoppedByASignalLeavesItsGroupAndSaysWhatItPrinted(@TempDir Path dir) throws Exception {
    String topic = node.topicWithRecords("cli-signal", 1, 2);
    String group = "cli-signal-" + topic;
    Path home = Path.of(System.getProperty("courant.home", "."));
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/courant").toString(), "consume", topic, "--group", group, "--from-beginning",
        "--server", server()).directory(home.toFile()).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());   // destroy() closes the process's pipes: read files afterwards
    pb.environment().put("COURANT_SKIP_BUILD", "1");
    Process p = pb.start();
    try {
      io.courant.testing.Await.until("the consumer in its group, both records printed and committed", java.time.Duration.ofSeconds(60),
          () -> {
            Run described = run("groups", "describe", group, "-o", "json");   // exit 3 until the group exists
            return described.code() == ExitCode.OK && described.json().get("members").asInt() == 1
                && described.json().path("partitions").path(0).path("current_offset").asLong() == 2;
          });
    } finally {
      p.destroy();   // SIGTERM, as Ctrl-C's SIGINT: the JVM runs the shutdown hook
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = Files.readString(dir.resolve("out"));
    String err = Files.readString(dir.resolve("err"));
    assertEquals(3, out.lines().count(), out);   // the header and two records
    assertTrue(err.contains("Processed a total of 2 messages"), err);
    assertEquals(0, ok("groups", "describe", group, "-o", "json").json().get("members").asInt(),
        "the consumer instance was deleted: its member left the group at once");
  }

  private static Run okWithInput(String stdin, String... args) {
    Run r = runWithInput(stdin, args);
    assertEquals(ExitCode.OK, r.code(), r.toString());
    return r;
  }

  private static long endOffsets(String topic) {
    long sum = 0;
    for (JsonNode p : node.get("/v3/clusters/courant/topics/" + topic + "/partitions").json().get("data")) {
      sum += p.get("latest_offset").asLong();
    }
    return sum;
  }
}
