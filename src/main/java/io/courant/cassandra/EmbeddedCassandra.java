package io.courant.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Cassandra 5.0 in a child JVM, for dev mode and tests.
 *
 * <p>{@link #start} checks what commonly goes wrong (missing libraries, wrong Java, taken ports, no
 * disk space) and says how to fix it, renders {@code cassandra/cassandra.yaml} into the data
 * directory, launches {@code CassandraDaemon} with the classpath {@code target/cassandra-lib/*} and
 * returns once Cassandra answers CQL queries. An existing data directory is reused, so a restart
 * keeps the data. {@link #close} stops the child, and so does a JVM shutdown hook; a Cassandra left
 * running by a node that was killed outright (no hook ran) is stopped by the next start on the same
 * data directory.
 */
public final class EmbeddedCassandra implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);

  private static final String DAEMON_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  private static final String LOCAL_DATACENTER = "datacenter1"; // SimpleSnitch's
  private static final long MIN_FREE_DISK_BYTES = 1L << 30;
  private static final long MAX_INITIAL_HEAP_BYTES = 256L << 20;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 20;
  private static final String PID_FILE = "cassandra.pid";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

  /** What Cassandra 5.0's conf/jvm17-server.options adds (on Java 11 a few are redundant). */
  private static final List<String> JAVA17_OPTIONS =
      List.of(
          "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.base/java.io=ALL-UNNAMED",
          "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens", "java.base/java.util=ALL-UNNAMED",
          "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/java.math=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens", "java.base/java.net=ALL-UNNAMED");

  private final Process process;
  private final String host;
  private final int cqlPort;
  private final Path dataDirectory;
  private final Path logFile;
  private final Thread shutdownHook;
  private volatile boolean stopping;

  private EmbeddedCassandra(Process process, String host, int cqlPort, Path dataDirectory) {
    this.process = process;
    this.host = host;
    this.cqlPort = cqlPort;
    this.dataDirectory = dataDirectory;
    this.logFile = dataDirectory.resolve("logs").resolve("system.log");
    this.shutdownHook = new Thread(this::stop, "embedded-cassandra-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Cassandra and waits until it answers CQL queries.
   *
   * @param s the settings ({@code courant.cassandra.embedded})
   * @param courantHome the project directory: holds {@code cassandra/} (the config templates) and
   *     {@code target/cassandra-lib/} (the classpath); a relative data directory is resolved
   *     against it
   * @throws CassandraStartException if it cannot be started, saying why and how to fix it
   */
  public static EmbeddedCassandra start(EmbeddedCassandraSettings s, Path courantHome) {
    Path home = courantHome.toAbsolutePath().normalize();
    Path lib = home.resolve("target").resolve("cassandra-lib");
    Path conf = home.resolve("cassandra");
    Path data = home.resolve(s.dataDirectory()).normalize();
    Path logs = data.resolve("logs");
    Path systemLog = logs.resolve("system.log");
    Path stdoutLog = logs.resolve("stdout.log");

    checkLibraries(lib, home);
    Path java = checkJava(s.javaHome());
    stopLeftover(data);
    checkDataDirectory(data);
    checkAddress(s.listenAddress());
    checkPort(s.listenAddress(), s.cqlPort(), "cql-port");
    checkPort(s.listenAddress(), s.storagePort(), "storage-port");
    Path yaml = renderConfig(conf.resolve("cassandra.yaml"), data, s);
    List<String> command = command(java, s, lib, conf.resolve("logback.xml"), yaml, data, logs);

    long systemLogStart = size(systemLog);
    long stdoutLogStart = size(stdoutLog);
    log.info(
        "Starting embedded Cassandra on {}:{} (data {}, log {})",
        s.listenAddress(),
        s.cqlPort(),
        data,
        systemLog);
    long startNanos = System.nanoTime();
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(data.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog.toFile()))
              .start();
    } catch (IOException e) {
      throw new CassandraStartException("Could not launch " + java + ": " + e.getMessage(), e);
    }
    EmbeddedCassandra cassandra =
        new EmbeddedCassandra(process, s.listenAddress(), s.cqlPort(), data);
    String version;
    try {
      process.getOutputStream().close();
      Files.writeString(
          data.resolve(PID_FILE), process.pid() + " " + ProcessHandle.current().pid() + "\n");
      version =
          cassandra.awaitReady(
              s.startTimeout(),
              () -> logTail(systemLog, systemLogStart, stdoutLog, stdoutLogStart));
    } catch (IOException | RuntimeException e) {
      cassandra.close();
      throw e instanceof CassandraStartException cse
          ? cse
          : new CassandraStartException("Could not start the embedded Cassandra: " + e, e);
    }
    log.info(
        "Embedded Cassandra {} ready on {} in {} ms (pid {}, data {}, log {})",
        version,
        cassandra.contactPoint(),
        (System.nanoTime() - startNanos) / 1_000_000,
        process.pid(),
        data,
        systemLog);
    process
        .onExit()
        .thenAccept(
            p -> {
              if (!cassandra.stopping) {
                log.error(
                    "The embedded Cassandra (pid {}) exited on its own with code {}; see {}",
                    p.pid(),
                    p.exitValue(),
                    systemLog);
              }
            });
    return cassandra;
  }

  /**
   * Stops a Cassandra that a killed node left running on this data directory (found through the
   * pid file the start writes there). Called by {@link #start}; tests call it before deleting a
   * data directory.
   *
   * @return whether one was found and stopped
   * @throws CassandraStartException if the node that started it is still running
   */
  public static boolean stopLeftover(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return false;
    }
    long[] pids;
    try {
      pids =
          Arrays.stream(Files.readString(pidFile).trim().split("\\s+"))
              .mapToLong(Long::parseLong)
              .toArray();
    } catch (IOException | NumberFormatException e) {
      pids = new long[0];
    }
    Optional<ProcessHandle> leftover =
        pids.length != 2
            ? Optional.empty()
            : ProcessHandle.of(pids[0])
                .filter(
                    h ->
                        h.info()
                            .commandLine()
                            .filter(c -> c.contains(DAEMON_CLASS))
                            .filter(c -> c.contains(dataDirectory.toString()))
                            .isPresent());
    if (leftover.isEmpty()) {
      deleteQuietly(pidFile);
      return false;
    }
    // its node is alive if a process has the node's pid and is older (not a reused pid)
    Optional<Instant> cassandraStart = leftover.get().info().startInstant();
    boolean nodeAlive =
        ProcessHandle.of(pids[1])
            .flatMap(node -> node.info().startInstant())
            .map(nodeStart -> cassandraStart.map(nodeStart::isBefore).orElse(true))
            .orElse(false);
    if (nodeAlive) {
      throw new CassandraStartException(
          "The data directory "
              + dataDirectory
              + " is in use by the embedded Cassandra (pid "
              + pids[0]
              + ") of a running node (pid "
              + pids[1]
              + "). Stop that node, or set courant.cassandra.embedded.data-directory to another"
              + " directory.");
    }
    ProcessHandle cassandra = leftover.get();
    log.warn(
        "Stopping the embedded Cassandra (pid {}) left running on {} by a node that was killed",
        cassandra.pid(),
        dataDirectory);
    cassandra.destroy();
    try {
      cassandra.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      cassandra.destroyForcibly();
      cassandra.onExit().join();
    }
    deleteQuietly(pidFile);
    return true;
  }

  /** The address Cassandra listens on. */
  public String host() {
    return host;
  }

  /** The CQL port. */
  public int cqlPort() {
    return cqlPort;
  }

  /** {@code "host:port"} of the CQL endpoint, as {@code courant.cassandra.contact-points} wants. */
  public String contactPoint() {
    return host + ":" + cqlPort;
  }

  /** The data directory (absolute). */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Cassandra's log ({@code <data>/logs/system.log}). */
  public Path logFile() {
    return logFile;
  }

  /**
   * Stops Cassandra: SIGTERM (it flushes and shuts down cleanly), then after 30 s a forcible kill.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or will run, stop() is idempotent
    }
    boolean wasRunning = process.isAlive();
    long startNanos = System.nanoTime();
    stop();
    if (wasRunning) {
      log.info(
          "Embedded Cassandra stopped in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  /** Stops the child; a second caller (close and the shutdown hook) waits for the first. */
  private synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn(
            "The embedded Cassandra (pid {}) did not stop within {} s, killing it",
            process.pid(),
            STOP_TIMEOUT.toSeconds());
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteQuietly(dataDirectory.resolve(PID_FILE));
  }

  /** The child's command line: Cassandra's own scripts' JVM options, minus JMX. */
  private static List<String> command(
      Path java,
      EmbeddedCassandraSettings s,
      Path lib,
      Path logback,
      Path yaml,
      Path data,
      Path logs) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(JAVA17_OPTIONS);
    command.addAll(
        List.of(
            "-Xss256k",
            "-XX:+UseG1GC",
            // Cassandra mlockall()s its memory at startup; where that is allowed (root, or a high
            // memlock limit) a full-size initial heap is touched and pinned: seconds and 1 GB more.
            "-Xms" + Math.min(s.heapBytes(), MAX_INITIAL_HEAP_BYTES) / (1 << 20) + "m",
            "-Xmx" + s.heapBytes() / (1 << 20) + "m",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:ErrorFile=" + logs.resolve("hs_err_pid%p.log"),
            "-Djdk.attach.allowAttachSelf=true",
            "-Dcassandra-foreground=yes",
            "-Dcassandra.config=" + yaml.toUri(),
            "-Dcassandra.storagedir=" + data,
            "-Dcassandra.logdir=" + logs,
            // an empty one: the default, $CASSANDRA_HOME/conf/triggers, is missing and warned about
            "-Dcassandra.triggers_dir=" + data.resolve("triggers"),
            "-Dlogback.configurationFile=" + logback,
            // No JMX port (no cassandra.jmx.*.port): nothing else to collide with. A single node
            // has no peers to announce its shutdown to (2 s by default).
            "-Dcassandra.shutdown_announce_in_ms=0",
            // Skips measuring a memtable row's heap overhead at every start (100,000 skip-list
            // rows, ~2.5 s on 2 cores); 124 bytes is what it measures on Java 17 (compressed oops).
            // Only memtable accounting uses it.
            "-Dcassandra.memtable.row_overhead_size=124",
            "-cp",
            lib + File.separator + "*",
            DAEMON_CLASS));
    return command;
  }

  /** Waits until a CQL query succeeds; returns Cassandra's release version. */
  private String awaitReady(Duration timeout, Supplier<String> logTail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new CassandraStartException(
              "The embedded Cassandra exited with code "
                  + process.exitValue()
                  + " while starting."
                  + logTail.get());
        }
        if (acceptsConnections()) {
          Optional<String> version = queryReleaseVersion();
          if (version.isPresent()) {
            return version.get();
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new CassandraStartException(
              "The embedded Cassandra did not accept CQL connections on "
                  + contactPoint()
                  + " within "
                  + timeout.toSeconds()
                  + " s (courant.cassandra.embedded.start-timeout)."
                  + logTail.get());
        }
        process.waitFor(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CassandraStartException("Interrupted while waiting for Cassandra to start", e);
    }
  }

  private boolean acceptsConnections() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, cqlPort), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<String> queryReleaseVersion() {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.SESSION_NAME, "embedded-cassandra-probe");
    options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
    options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    options.put(TypedDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0);
    options.put(TypedDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    try (CqlSession session =
        CqlSession.builder()
            .withConfigLoader(DriverConfigLoader.fromMap(options))
            .addContactPoint(new InetSocketAddress(host, cqlPort))
            .withLocalDatacenter(LOCAL_DATACENTER)
            .build()) {
      return Optional.ofNullable(
          session.execute("SELECT release_version FROM system.local").one().getString(0));
    } catch (RuntimeException e) {
      log.debug("Embedded Cassandra not ready yet: {}", e.toString());
      return Optional.empty();
    }
  }

  // ---- checks before launching

  private static void checkLibraries(Path lib, Path home) {
    boolean present;
    try (Stream<Path> jars = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
      present = jars.anyMatch(p -> p.getFileName().toString().startsWith("cassandra-all-"));
    } catch (IOException e) {
      present = false;
    }
    if (!present) {
      throw new CassandraStartException(
          "The embedded Cassandra's libraries are missing: "
              + lib
              + " has no cassandra-all jar. Run `mvn -q generate-resources` in "
              + home
              + " to copy them there (or give courant.cassandra.contact-points of a running"
              + " Cassandra).");
    }
  }

  private static Path checkJava(Path javaHome) {
    boolean windows = System.getProperty("os.name").startsWith("Windows");
    Path java = javaHome.resolve("bin").resolve(windows ? "java.exe" : "java");
    String fix =
        " Set courant.cassandra.embedded.java-home to the home of a JDK 11 or 17 (the directory"
            + " holding bin/java); empty means the JDK running the node.";
    if (!Files.isExecutable(java)) {
      throw new CassandraStartException("No java executable at " + java + "." + fix);
    }
    int version = javaFeatureVersion(javaHome, java);
    if (version != 11 && version != 17) {
      throw new CassandraStartException(
          "Cassandra 5.0 runs on Java 11 or 17, but "
              + java
              + " is Java "
              + (version < 0 ? "of an unknown version" : version)
              + "."
              + fix);
    }
    return java;
  }

  /** The feature version (8, 11, 17, ...) from the JDK's release file or {@code java -version}. */
  private static int javaFeatureVersion(Path javaHome, Path java) {
    Pattern versionPattern = Pattern.compile("(?:JAVA_VERSION=|version )\"(?:1\\.)?(\\d+)");
    try {
      Path release = javaHome.resolve("release");
      String text;
      if (Files.isRegularFile(release)) {
        text = Files.readString(release);
      } else {
        Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
      }
      Matcher m = versionPattern.matcher(text);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void checkDataDirectory(Path data) {
    String fix = " (or set courant.cassandra.embedded.data-directory to another directory).";
    long free;
    try {
      Files.createDirectories(data.resolve("logs"));
      Files.createDirectories(data.resolve("triggers"));
      free = Files.getFileStore(data).getUsableSpace();
    } catch (IOException e) {
      throw new CassandraStartException(
          "Cannot create the embedded Cassandra's data directory " + data + ": " + e + fix, e);
    }
    if (!Files.isWritable(data) || !Files.isWritable(data.resolve("logs"))) {
      throw new CassandraStartException(
          "The embedded Cassandra's data directory " + data + " is not writable: fix its"
              + " permissions" + fix);
    }
    if (free < MIN_FREE_DISK_BYTES) {
      throw new CassandraStartException(
          "Only "
              + free / (1 << 20)
              + " MiB are free on the disk of "
              + data
              + ", the embedded Cassandra needs at least 1024 MiB: free some space there"
              + fix);
    }
  }

  private static void checkAddress(String address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, 0));
    } catch (IOException e) {
      throw new CassandraStartException(
          "The embedded Cassandra cannot listen on "
              + address
              + " ("
              + e.getMessage()
              + "): it is not an address of this machine. Set"
              + " courant.cassandra.embedded.listen-address to one, e.g. 127.0.0.1.");
    }
  }

  private static void checkPort(String address, int port, String key) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new CassandraStartException(
          "Port "
              + port
              + " on "
              + address
              + " is already in use ("
              + e.getMessage()
              + "), the embedded Cassandra needs it. Stop what listens there (another node or"
              + " Cassandra?) or set courant.cassandra.embedded."
              + key
              + " to a free port.");
    }
  }

  // ---- files

  /** Writes {@code <data>/cassandra.yaml} from the template, filling in the placeholders. */
  private static Path renderConfig(Path template, Path data, EmbeddedCassandraSettings s) {
    Map<String, String> values =
        Map.of(
            "data_dir", data.toString(),
            "listen_address", s.listenAddress(),
            "native_transport_port", Integer.toString(s.cqlPort()),
            "storage_port", Integer.toString(s.storagePort()));
    try {
      String yaml =
          PLACEHOLDER
              .matcher(Files.readString(template))
              .replaceAll(
                  m -> {
                    String value = values.get(m.group(1));
                    if (value == null) {
                      throw new CassandraStartException(
                          "Unknown placeholder " + m.group() + " in " + template);
                    }
                    // values sit in single-quoted YAML strings or plain scalars
                    return Matcher.quoteReplacement(value.replace("'", "''"));
                  });
      Path target = data.resolve("cassandra.yaml");
      Files.writeString(target, yaml);
      return target;
    } catch (IOException e) {
      throw new CassandraStartException(
          "Cannot render the embedded Cassandra's config " + template + ": " + e, e);
    }
  }

  /** The end of this run's system.log (or, if Cassandra logged nothing there, of stdout.log). */
  private static String logTail(Path systemLog, long systemLogStart, Path stdout, long stdoutStart) {
    for (Path file : List.of(systemLog, stdout)) {
      List<String> lines = tail(file, file == systemLog ? systemLogStart : stdoutStart);
      if (!lines.isEmpty()) {
        return "\nLast lines of " + file + ":\n  " + String.join("\n  ", lines);
      }
    }
    return " It logged nothing (" + systemLog + ", " + stdout + ").";
  }

  private static List<String> tail(Path file, long from) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(from, f.length() - 64 * 1024);
      if (start >= f.length()) {
        return List.of();
      }
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("Could not delete {}: {}", file, e.toString());
    }
  }
}
