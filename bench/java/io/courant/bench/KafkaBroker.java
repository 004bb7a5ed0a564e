package io.courant.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Apache Kafka (KRaft, broker and controller in one JVM) from the Maven Central jars
 * of bench/kafka-tools/pom.xml, bound to 127.0.0.1 on free ports, its data under a directory that
 * {@link #close()} deletes. Settings as Kafka ships them except what a single node needs
 * (replication factor 1 for the internal topics).
 */
final class KafkaBroker implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final int port;

  private KafkaBroker(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Formats the storage, starts the broker (1 GiB heap, as kafka-server-start gives it) and waits until it accepts connections. */
  static KafkaBroker start(String classpath, Path dir) throws IOException, InterruptedException {
    PartitionLogBenchmark.deleteRecursively(dir);
    Files.createDirectories(dir);
    int port = freePort();
    int controllerPort = freePort();
    Path properties = dir.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data").toAbsolutePath(),
        "offsets.topic.replication.factor=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "") );
    Process format = new ProcessBuilder(KafkaTools.java(), "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool", "format",
        "-t", randomClusterId(), "-c", properties.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("format.log").toFile()).start();
    if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException("Kafka's StorageTool format failed: " + Files.readString(dir.resolve("format.log")));
    }
    Process broker = new ProcessBuilder(List.of(KafkaTools.java(), "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35", "-Djava.awt.headless=true", "-cp", classpath, "kafka.Kafka", properties.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
    KafkaTools.Children.add(broker);
    KafkaBroker kafka = new KafkaBroker(dir, broker, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!accepts(port)) {
      if (!broker.isAlive() || System.nanoTime() > deadline) {
        String log = Files.readString(dir.resolve("broker.log"), StandardCharsets.UTF_8);
        kafka.close();
        throw new IllegalStateException("Apache Kafka did not start within 120 s:\n" + log);
      }
      Thread.sleep(200);
    }
    return kafka;
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM (Kafka's controlled shutdown), SIGKILL after 30 s; then the data directory is deleted. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    KafkaTools.Children.remove(process);
    PartitionLogBenchmark.deleteRecursively(dir);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A cluster id as Kafka's {@code StorageTool random-uuid} makes it: 16 random bytes, URL-safe Base64 without padding. */
  private static String randomClusterId() {
    UUID u = UUID.randomUUID();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }
}
