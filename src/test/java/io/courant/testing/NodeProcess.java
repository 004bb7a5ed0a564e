package io.courant.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Courant node in its own JVM ({@code io.courant.node.CourantNode}), on the test run's Cassandra,
 * joining the cluster through a seed node: for cluster tests that kill, pause or stop a node as an
 * operator (or a crash) would. Output goes to {@code target/cluster-test/<name>.log}.
 */
public final class NodeProcess implements AutoCloseable {
  private final String name;
  private final String host;
  private final int clusterPort;
  private final int kafkaPort;
  private final Process process;
  private final Path log;

  private NodeProcess(String name, String host, int clusterPort, int kafkaPort, Process process, Path log) {
    this.name = name;
    this.host = host;
    this.clusterPort = clusterPort;
    this.kafkaPort = kafkaPort;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a node at {@code host} (an address of 127.0.0.0/8) joining {@code seedNode} (a Pekko
   * address such as {@code pekko://courant@127.0.0.1:25520}), with extra {@code -D} settings.
   */
  public static NodeProcess start(String name, String host, String seedNode, List<String> settings) {
    return start(name, host, seedNode, settings, "io.courant.node.CourantNode");
  }

  /**
   * Like {@link #start(String, String, String, List)}, running {@code mainClass} instead of the
   * node's own main: a class of the test sources (they are on the child's classpath) that starts
   * a node and runs an application on it, as an application embedding Courant would.
   */
  public static NodeProcess start(String name, String host, String seedNode, List<String> settings, String mainClass) {
    Path home = TestCassandra.courantHome();
    int[] ports = TestCassandra.freePorts();
    int port = ports[0];
    int kafkaPort = ports[1];
    Path log = home.resolve("target/cluster-test/" + name + ".log");
    try {
      Files.createDirectories(log.getParent());
      String classpath = home.resolve("target/classes") + java.io.File.pathSeparator
          + Files.readString(home.resolve("target/classpath.txt")).strip();
      if (!mainClass.equals("io.courant.node.CourantNode")) {
        classpath = home.resolve("target/test-classes") + java.io.File.pathSeparator + classpath;
      }
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
          "-Dcourant.home=" + home,
          "-Dlogback.configurationFile=" + home.resolve("conf/logback.xml"),
          "-Dcourant.log.dir=" + log.getParent().resolve(name + "-logs"),
          "-Dpekko.remote.artery.canonical.hostname=" + host,
          "-Dpekko.remote.artery.canonical.port=" + port,
          "-Dpekko.cluster.seed-nodes.0=" + seedNode,
          "-Dcourant.cassandra.contact-points.0=" + TestCassandra.contactPoint(),
          "-Dcourant.http.interface=" + host,
          "-Dcourant.http.port=0",
          "-Dcourant.kafka.interface=" + host,
          "-Dcourant.kafka.port=" + kafkaPort,
          // A loaded test machine can take more than Pekko's 3 s to bind the cluster port.
          "-Dpekko.remote.artery.bind.bind-timeout=30s"));
      command.addAll(settings.stream().map(s -> "-D" + s).toList());
      command.add(mainClass);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new NodeProcess(name, host, port, kafkaPort, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start node " + name, e);
    }
  }

  /** The node's Pekko address. */
  public String address() {
    return "pekko://courant@" + host + ":" + clusterPort;
  }

  /** The host of the node's listeners (its address of 127.0.0.0/8). */
  public String host() {
    return host;
  }

  /** The port of the node's Kafka listener (on {@link #host}). */
  public int kafkaPort() {
    return kafkaPort;
  }

  /**
   * The node's HTTP base address ({@code http://host:port}), read from the line it prints when
   * ready; waits for it up to 90 s.
   */
  public String httpBase() {
    java.util.regex.Pattern ready = java.util.regex.Pattern.compile("Courant node ready: (http://[0-9.]+:[0-9]+)/ready");
    String[] found = new String[1];
    Await.until("node " + name + " ready (" + log + ")", java.time.Duration.ofSeconds(90), java.time.Duration.ofMillis(200), () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("node " + name + " exited (log: " + log + ")");
      }
      java.util.regex.Matcher m = ready.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        found[0] = m.group(1);
      }
      return found[0] != null;
    });
    return found[0];
  }

  public String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}: the node vanishes without a word to the cluster. */
  public void kill() {
    process.destroyForcibly();
    waitFor(30);
  }

  /** SIGTERM: the node leaves the cluster gracefully (Pekko's coordinated shutdown) and exits. */
  public void stop() {
    process.destroy();
    waitFor(60);
  }

  /** SIGSTOP: the node freezes (as in a long GC pause or a hung VM), keeping its sockets. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitFor(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("node " + name + " did not exit within " + seconds + " s (log: " + log + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
