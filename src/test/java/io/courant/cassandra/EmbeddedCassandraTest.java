package io.courant.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.ConfigFactory;
import io.courant.testing.TestCassandra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCassandraTest {

  @Test
  void writesAndReadsBackThroughCql() {
    try (CqlSession session = TestCassandra.connect(TestCassandra.contactPoint())) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS embedded_test"
              + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(
          "CREATE TABLE IF NOT EXISTS embedded_test.kv (k text PRIMARY KEY, v blob)");
      ByteBuffer value = ByteBuffer.wrap(new byte[256 * 1024]); // a journal-sized event
      value.put(0, (byte) 42);
      session.execute(
          session.prepare("INSERT INTO embedded_test.kv (k, v) VALUES (?, ?)").bind("a", value));
      Row row = session.execute("SELECT v FROM embedded_test.kv WHERE k = 'a'").one();
      assertEquals(value, row.getByteBuffer("v"));
      assertTrue(
          session
              .execute("SELECT release_version FROM system.local")
              .one()
              .getString(0)
              .startsWith("5.0"));
    }
  }

  @Test
  void productionSchemaIsValidCql() throws IOException {
    String schema =
        Files.readString(TestCassandra.courantHome().resolve("cassandra/schema.cql"))
            .replace("courant_journal", "schema_check_journal")
            .replace("courant_snapshot", "schema_check_snapshot")
            .replace("'datacenter1':3", "'datacenter1':1"); // one node here
    try (CqlSession session = TestCassandra.connect(TestCassandra.contactPoint())) {
      for (String statement : statements(schema)) {
        session.execute(statement);
      }
      assertTrue(
          session.execute("SELECT * FROM schema_check_journal.messages LIMIT 1").all().isEmpty());
      session.execute("DROP KEYSPACE schema_check_journal");
      session.execute("DROP KEYSPACE schema_check_snapshot");
    }
  }

  @Test
  void takenCqlPortFailsFastNamingPortAndKey(@TempDir Path data) throws IOException {
    int[] ports = TestCassandra.freePorts();
    try (ServerSocket taken =
        new ServerSocket(ports[0], 1, InetAddress.getByName("127.0.0.1"))) {
      long start = System.nanoTime();
      CassandraStartException e =
          assertThrows(
              CassandraStartException.class,
              () -> EmbeddedCassandra.start(settings(data, ports[0], ports[1]), home()));
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
      assertTrue(e.getMessage().contains("Port " + ports[0]), e.getMessage());
      assertTrue(e.getMessage().contains("courant.cassandra.embedded.cql-port"), e.getMessage());
    }
  }

  @Test
  void missingLibrariesSayHowToGetThem(@TempDir Path emptyHome) {
    int[] ports = TestCassandra.freePorts();
    CassandraStartException e =
        assertThrows(
            CassandraStartException.class,
            () ->
                EmbeddedCassandra.start(
                    settings(emptyHome.resolve("data"), ports[0], ports[1]), emptyHome));
    assertTrue(e.getMessage().contains("mvn -q generate-resources"), e.getMessage());
    assertTrue(
        e.getMessage().contains(emptyHome.resolve("target/cassandra-lib").toString()),
        e.getMessage());
  }

  @Test
  void unsupportedJavaIsNamed(@TempDir Path javaHome) throws IOException {
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"21.0.2\"\n");
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nexit 1\n");
    java.toFile().setExecutable(true);
    int[] ports = TestCassandra.freePorts();
    EmbeddedCassandraSettings s = settings(javaHome.resolve("data"), ports[0], ports[1]);
    CassandraStartException e =
        assertThrows(
            CassandraStartException.class,
            () ->
                EmbeddedCassandra.start(
                    new EmbeddedCassandraSettings(
                        s.dataDirectory(),
                        s.listenAddress(),
                        s.cqlPort(),
                        s.storagePort(),
                        s.heapBytes(),
                        s.startTimeout(),
                        javaHome),
                    home()));
    assertTrue(e.getMessage().contains("is Java 21"), e.getMessage());
    assertTrue(e.getMessage().contains("courant.cassandra.embedded.java-home"), e.getMessage());
  }

  @Test
  void defaultsFromConf() {
    CassandraSettings s =
        CassandraSettings.create(
            ConfigFactory.parseFile(home().resolve("conf/courant/cassandra.conf").toFile())
                .getConfig("courant.cassandra"));
    assertTrue(s.startEmbedded());
    assertEquals("datacenter1", s.localDatacenter());
    assertEquals(1, s.keyspaceReplicationFactor());
    EmbeddedCassandraSettings e = s.embedded();
    assertEquals(Path.of("data/cassandra"), e.dataDirectory());
    assertEquals("127.0.0.1", e.listenAddress());
    assertEquals(9042, e.cqlPort());
    assertEquals(7000, e.storagePort());
    assertEquals(1L << 30, e.heapBytes());
    assertEquals(Duration.ofSeconds(120), e.startTimeout());
    assertEquals(Path.of(System.getProperty("java.home")), e.javaHome());
  }

  private static Path home() {
    return TestCassandra.courantHome();
  }

  private static EmbeddedCassandraSettings settings(Path data, int cqlPort, int storagePort) {
    return new EmbeddedCassandraSettings(
        data,
        "127.0.0.1",
        cqlPort,
        storagePort,
        1L << 30,
        Duration.ofSeconds(120),
        Path.of(System.getProperty("java.home")));
  }

  /** The statements of a CQL script: split at ';', comments dropped. */
  private static List<String> statements(String script) {
    String withoutComments = script.replaceAll("(?m)--.*$", "");
    return Arrays.stream(withoutComments.split(";"))
        .map(String::strip)
        .filter(statement -> !statement.isEmpty())
        .toList();
  }
}
