package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code courant produce TOPIC}: one record per line of standard input or of a file, sent in
 * batches through the bridge's produce endpoint (binary format, so bytes arrive as they were).
 * A file is read twice: first to check every line and count them (nothing is sent if a line is
 * bad), then to send with a progress bar.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = {"Produces one record per line of standard input, or of --file.",
        "Keyed lines with --parse-key (key<separator>value); headers with --header; partition by key (Kafka's murmur2) unless",
        "--partition. Lines typed at a terminal are sent as they come; a file shows a progress bar with rate and ETA."})
final class ProduceCommand extends NodeCommand {
  /** Raw bytes per request: Base64 makes them 4/3 larger, under the node's 8 MiB request limit. */
  private static final long MAX_REQUEST_BYTES = 4L << 20;

  @ParentCommand
  CourantCli root;

  @Parameters(paramLabel = "TOPIC", description = "The topic to produce to.")
  String topic;
  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the lines from this file instead of standard input.")
  Path file;
  @Option(names = "--parse-key", description = "Each line is KEY<separator>VALUE (a line without the separator is refused).")
  boolean parseKey;
  @Option(names = "--key-separator", paramLabel = "SEP", defaultValue = "\t",
      description = "What separates key and value with --parse-key (default: a tab, as kafka-console-producer).")
  String keySeparator;
  @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "A header on every record (repeatable).")
  Map<String, String> headers = new LinkedHashMap<>();
  @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Send every record to this partition.")
  Integer partition;
  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
      description = "Records per request at most (default ${DEFAULT-VALUE}; also at most 4 MiB).")
  int batchSize;
  @Option(names = "--progress", negatable = true,
      description = "Show a progress bar on standard error (default: with --file, when attached to a terminal).")
  Boolean progress;

  private final Map<Integer, long[]> perPartition = new TreeMap<>();
  private long sent;

  @Override
  public Integer call() throws IOException {
    if (keySeparator.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--key-separator must not be empty");
    }
    if (batchSize < 1) {
      throw new ParameterException(spec.commandLine(), "--batch-size must be 1 or more, not " + batchSize);
    }
    if (file != null && !Files.isReadable(file)) {
      throw new ParameterException(spec.commandLine(), "--file " + file + ": no such readable file");
    }
    if (partition != null && partition < 0) {
      throw new ParameterException(spec.commandLine(), "--partition must be 0 or more, not " + partition);
    }
    String path = "/topics/" + NodeClient.segment(topic) + (partition == null ? "" : "/partitions/" + partition);
    node.client().get("/topics/" + NodeClient.segment(topic));   // a missing topic: exit 3 before reading anything
    long started = System.nanoTime();
    if (file != null) {
      long lines = checkFile();
      boolean show = progress != null ? progress : System.console() != null;
      try (ProgressBar bar = show ? progressBar(lines) : null; BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        send(reader, path, bar, false);
      }
    } else {
      BufferedReader reader = new BufferedReader(new InputStreamReader(root.in(), StandardCharsets.UTF_8));
      send(reader, path, null, true);
    }
    report(Duration.ofNanos(System.nanoTime() - started));
    return ExitCode.OK;
  }

  /** Checks every line of the file (keys present) and counts them; nothing is sent if one is bad. */
  private long checkFile() throws IOException {
    long n = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        n++;
        if (parseKey && !line.contains(keySeparator)) {
          throw new CliException(ExitCode.USAGE, "line " + n + " of " + file + " has no key separator " + shown(keySeparator)
              + " (--parse-key); nothing was sent");
        }
      }
    }
    return n;
  }

  private ProgressBar progressBar(long lines) {
    PrintStream err = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        err().write(b);
      }

      @Override
      public void flush() {
        err().flush();
      }
    }, true, StandardCharsets.UTF_8);
    return new ProgressBarBuilder().setTaskName("Producing").setInitialMax(lines).setUnit(" rec", 1).showSpeed()
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(err))
        .continuousUpdate().build();
  }

  /**
   * Reads lines into batches and sends each. From a terminal (or a pipe that has nothing more yet)
   * a batch goes as soon as no further line is waiting, so typed lines are sent at once.
   */
  private void send(BufferedReader reader, String path, ProgressBar bar, boolean flushWhenIdle) throws IOException {
    List<ObjectNode> batch = new ArrayList<>();
    long bytes = 0;
    long lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      ObjectNode record = record(line, lineNumber);
      batch.add(record);
      bytes += line.length() + 64;
      if (batch.size() >= batchSize || bytes >= MAX_REQUEST_BYTES || (flushWhenIdle && !reader.ready())) {
        sendBatch(path, batch);
        if (bar != null) {
          bar.stepBy(batch.size());
        }
        batch.clear();
        bytes = 0;
      }
    }
    if (!batch.isEmpty()) {
      sendBatch(path, batch);
      if (bar != null) {
        bar.stepBy(batch.size());
      }
    }
  }

  private ObjectNode record(String line, long lineNumber) {
    ObjectNode r = NodeClient.object();
    String value = line;
    if (parseKey) {
      int at = line.indexOf(keySeparator);
      if (at < 0) {
        throw new CliException(ExitCode.USAGE, "line " + lineNumber + " has no key separator " + shown(keySeparator) + " (--parse-key); "
            + sent + " records before it were sent, nothing from its batch on");
      }
      r.put("key", base64(line.substring(0, at)));
      value = line.substring(at + keySeparator.length());
    }
    r.put("value", base64(value));
    if (!headers.isEmpty()) {
      ArrayNode hs = r.putArray("headers");
      headers.forEach((k, v) -> hs.addObject().put("key", k).put("value", base64(v)));
    }
    return r;
  }

  private void sendBatch(String path, List<ObjectNode> batch) {
    ObjectNode body = NodeClient.object();
    body.putArray("records").addAll(batch);
    JsonNode offsets = node.client().post(path, NodeClient.BINARY_V2, body).path("offsets");
    for (int i = 0; i < offsets.size(); i++) {
      JsonNode o = offsets.get(i);
      if (o.has("error_code")) {
        int status = o.path("error_code").asInt();
        throw new CliException(NodeClient.exitCodeOf(status >= 10000 ? status / 100 : status), "record " + (sent + i + 1)
            + " was refused: " + o.path("message").asText() + " (" + (sent + i) + " records before it were sent)");
      }
      long[] counts = perPartition.computeIfAbsent(o.path("partition").asInt(), p -> new long[2]);
      counts[0]++;
      counts[1] = o.path("offset").asLong();
    }
    sent += batch.size();
  }

  private void report(Duration took) {
    double seconds = Math.max(took.toNanos() / 1e9, 1e-9);
    var out = out();
    if (node.json()) {
      ObjectNode json = NodeClient.object().put("topic", topic).put("records", sent).put("seconds", Math.round(seconds * 1000) / 1000.0);
      ArrayNode ps = json.putArray("partitions");
      perPartition.forEach((p, c) -> ps.addObject().put("partition", p).put("records", c[0]).put("last_offset", c[1]));
      NodeOptions.printJson(out, json);
    } else {
      out.printf("Produced %d record%s to '%s' (%d partition%s) in %.2f s, %.0f records/s.%n", sent, sent == 1 ? "" : "s", topic,
          perPartition.size(), perPartition.size() == 1 ? "" : "s", seconds, sent / seconds);
      out.flush();
    }
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String shown(String separator) {
    return "'" + separator.replace("\t", "\\t") + "'";
  }
}
