package io.courant.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache Kafka's own performance tools (kafka-tools 4.3.1), each run in its own JVM on the classpath
 * of bench/kafka-tools/pom.xml (kept apart from Courant's), and their printed results read back.
 */
final class KafkaTools {
  private KafkaTools() {}

  static final String KAFKA_VERSION = "4.3.1";
  static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
  static final String CONSUMER_PERFORMANCE = "org.apache.kafka.tools.ConsumerPerformance";
  static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";

  private static final Pattern PRODUCER = Pattern.compile(
      "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, "
          + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");
  private static final Pattern LATENCY = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");
  private static final Pattern AVG_LATENCY = Pattern.compile("Avg latency: ([\\d.]+) ms");

  /**
   * The classpath of Kafka's broker and tools, resolved by Maven from bench/kafka-tools/pom.xml
   * into target/kafka-tools-classpath.txt (again when the pom changed).
   */
  static String classpath(Path home) throws IOException, InterruptedException {
    Path pom = home.resolve("bench/kafka-tools/pom.xml");
    Path file = home.resolve("target/kafka-tools-classpath.txt");
    if (!Files.exists(file) || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(pom)) < 0) {
      Process p = new ProcessBuilder("mvn", "-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
          "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + file).inheritIO().start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("could not resolve Kafka's classpath from " + pom + " (mvn failed, see above)");
      }
    }
    return Files.readString(file).trim();
  }

  /** The java launcher of this JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs one tool in its own JVM (1 GiB heap, as Kafka's scripts give them) and returns what it
   * printed; fails when it fails or runs longer than {@code timeoutSeconds}.
   */
  static String run(String classpath, long timeoutSeconds, String main, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-cp", classpath, main));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Children.add(p);
    try {
      CompletableOutput out = new CompletableOutput(p);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(shortName(main) + " did not finish within " + timeoutSeconds + " s:\n" + out.text());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(shortName(main) + " exited with " + p.exitValue() + ":\n" + out.text());
      }
      return out.text();
    } finally {
      Children.remove(p);
    }
  }

  static String shortName(String main) {
    return main.substring(main.lastIndexOf('.') + 1);
  }

  /** ProducerPerformance's summary line. */
  static Map<String, Object> producerResult(String out) {
    Matcher m = last(PRODUCER, out);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("records", Long.parseLong(m.group(1)));
    r.put("recordsPerSecond", Double.parseDouble(m.group(2)));
    r.put("mbPerSecond", Double.parseDouble(m.group(3)));
    r.put("avgLatencyMs", Double.parseDouble(m.group(4)));
    r.put("p50Ms", Double.parseDouble(m.group(6)));
    r.put("p99Ms", Double.parseDouble(m.group(8)));
    r.put("p999Ms", Double.parseDouble(m.group(9)));
    return r;
  }

  /**
   * ConsumerPerformance's CSV line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch
   * ms, fetch MB/s, fetch records/s. The fetch rates exclude the time to join the group.
   */
  static Map<String, Object> consumerResult(String out) {
    String line = out.lines().filter(l -> l.matches("^\\d{4}-.*")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no ConsumerPerformance result in:\n" + out));
    String[] f = line.split(",\\s*");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("records", Long.parseLong(f[4]));
    r.put("rebalanceMs", Double.parseDouble(f[6]));
    r.put("recordsPerSecond", Double.parseDouble(f[9]));
    r.put("mbPerSecond", Double.parseDouble(f[8]));
    r.put("recordsPerSecondWithRebalance", Double.parseDouble(f[5]));
    return r;
  }

  /** EndToEndLatency's average and percentiles (whole milliseconds, as the tool prints them). */
  static Map<String, Object> latencyResult(String out) {
    Matcher m = last(LATENCY, out);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("avgMs", Double.parseDouble(last(AVG_LATENCY, out).group(1)));
    r.put("p50Ms", Double.parseDouble(m.group(1)));
    r.put("p99Ms", Double.parseDouble(m.group(2)));
    r.put("p999Ms", Double.parseDouble(m.group(3)));
    return r;
  }

  private static Matcher last(Pattern pattern, String out) {
    Matcher found = null;
    for (String line : out.lines().toList()) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        found = m;
      }
    }
    if (found == null) {
      throw new IllegalStateException("no line matching " + pattern + " in:\n" + out);
    }
    return found;
  }

  /** A child process's output, read on its own thread so that the child never blocks on a full pipe. */
  private static final class CompletableOutput {
    private final StringBuilder text = new StringBuilder();
    private final Thread reader;

    CompletableOutput(Process p) {
      reader = new Thread(() -> {
        try {
          String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          synchronized (text) {
            text.append(s);
          }
        } catch (IOException e) {
          // the process was killed: what it printed so far is lost, its exit code tells
        }
      }, "tool-output");
      reader.setDaemon(true);
      reader.start();
    }

    String text() throws InterruptedException {
      reader.join(10_000);
      synchronized (text) {
        return text.toString();
      }
    }
  }

  /** Child JVMs still running, stopped by the benchmark's shutdown hook (Ctrl-C, failure). */
  static final class Children {
    private static final List<Process> RUNNING = new ArrayList<>();

    private Children() {}

    static synchronized void add(Process p) {
      RUNNING.add(p);
    }

    static synchronized void remove(Process p) {
      RUNNING.remove(p);
    }

    /** SIGTERM to every child still running, then SIGKILL to those still alive after 20 s. */
    static void stopAll() {
      List<Process> running;
      synchronized (Children.class) {
        running = new ArrayList<>(RUNNING);
      }
      running.forEach(Process::destroy);
      for (Process p : running) {
        try {
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
        }
      }
    }
  }
}
