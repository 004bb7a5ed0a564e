package io.courant.testing;

import io.courant.cassandra.EmbeddedCassandra;
import io.courant.cassandra.EmbeddedCassandraSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The Cassandra of a test run: one embedded Cassandra per JVM, started on first use with an empty
 * data directory ({@code target/test-cassandra}) and free ports on 127.0.0.1 (never a dev node's
 * 9042), stopped when the JVM exits.
 *
 * <p>With {@code -Dcourant.test.cassandra=host:port} the tests use that Cassandra and nothing is
 * started.
 */
public final class TestCassandra {
  /** System property naming an external Cassandra ({@code host:port}) to use instead. */
  public static final String EXTERNAL_PROPERTY = "courant.test.cassandra";

  private static final String HOST = "127.0.0.1";
  private static String contactPoint;
  private static RuntimeException startFailure;

  private TestCassandra() {}

  /** {@code "host:port"} of the test Cassandra, starting it on first use. */
  public static synchronized String contactPoint() {
    if (contactPoint == null) {
      if (startFailure != null) {
        throw startFailure; // do not retry a 2-minute failure for every test class
      }
      try {
        contactPoint = start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return contactPoint;
  }

  /** A CQL session to {@code host:port}, configured here only (the test classpath's application.conf is not read). */
  public static com.datastax.oss.driver.api.core.CqlSession connect(String contactPoint) {
    var options = com.datastax.oss.driver.api.core.config.OptionsMap.driverDefaults();
    // schema changes take seconds on a busy 2-core machine; the default is 2 s
    options.put(com.datastax.oss.driver.api.core.config.TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30));
    int colon = contactPoint.lastIndexOf(':');
    return com.datastax.oss.driver.api.core.CqlSession.builder()
        .withConfigLoader(com.datastax.oss.driver.api.core.config.DriverConfigLoader.fromMap(options))
        .addContactPoint(new java.net.InetSocketAddress(contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1))))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  /** The project directory (surefire passes {@code courant.home}; else the working directory). */
  public static Path courantHome() {
    return Path.of(System.getProperty("courant.home", ".")).toAbsolutePath().normalize();
  }

  private static String start() {
    String external = System.getProperty(EXTERNAL_PROPERTY, "");
    if (!external.isBlank()) {
      return external.trim();
    }
    Path home = courantHome();
    Path data = home.resolve("target").resolve("test-cassandra");
    EmbeddedCassandra.stopLeftover(data);
    deleteRecursively(data);
    int[] ports = freePorts();
    EmbeddedCassandra cassandra =
        EmbeddedCassandra.start(
            new EmbeddedCassandraSettings(
                data,
                HOST,
                ports[0],
                ports[1],
                1L << 30,
                Duration.ofSeconds(120),
                Path.of(System.getProperty("java.home"))),
            home);
    // EmbeddedCassandra registers its own shutdown hook: it stops when the test JVM exits.
    return cassandra.contactPoint();
  }

  /** Two distinct free ports on 127.0.0.1. */
  public static int[] freePorts() {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }
}
