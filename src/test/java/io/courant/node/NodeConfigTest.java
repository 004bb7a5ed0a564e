package io.courant.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node checks its whole configuration before it starts anything. */
class NodeConfigTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theShippedConfigurationIsValid() {
    NodeConfig.validate(ConfigFactory.load());
  }

  @Test
  void everyWrongValueIsReportedAtOnceWithItsKey() {
    var e = assertThrows(NodeConfig.InvalidConfigException.class, () -> NodeConfig.validate(with("""
        courant.http.port = "eighty"
        courant.log.snapshot-every = 0
        courant.log.fencing.lease-ttl = 1s
        courant.client."compression.type" = brotli
        courant.producer.kafka-clients."linger.ms" = -5
        courant.topic.data-deleter = shredder
        pekko.cluster.split-brain-resolver.active-strategy = keep-the-best
        """)));
    List<String> problems = e.problems();
    assertEquals(7, problems.size(), String.join("\n", problems));
    assertMentions(problems.get(0), "courant.log", "snapshot-every", "positive");
    assertMentions(problems.get(1), "courant.log.fencing", "lease-ttl");
    assertMentions(problems.get(2), "courant.topic.data-deleter", "cassandra or none", "shredder");
    assertMentions(problems.get(3), "courant.client", "compression.type", "brotli", "zstd");
    assertMentions(problems.get(4), "courant.http", "port");
    assertMentions(problems.get(5), "courant.producer", "linger.ms", "-5");
    assertMentions(problems.get(6), "active-strategy", "keep-majority", "keep-the-best");
    assertTrue(e.getMessage().startsWith("invalid configuration:"), e.getMessage());
  }

  @Test
  void theNodeWideCacheBoundIsASizeOrAuto() {
    var e = assertThrows(NodeConfig.InvalidConfigException.class,
        () -> NodeConfig.validate(with("courant.log.cache-max-bytes = plenty")));
    assertMentions(e.problems().get(0), "courant.log", "cache-max-bytes", "size", "auto", "plenty");
    e = assertThrows(NodeConfig.InvalidConfigException.class,
        () -> NodeConfig.validate(with("courant.log.cache-max-bytes = -1")));
    assertMentions(e.problems().get(0), "cache-max-bytes", ">= 0");
    NodeConfig.validate(with("courant.log.cache-max-bytes = 256 MiB"));
    NodeConfig.validate(with("courant.log.cache-max-bytes = 0"));
  }

  @Test
  void theDeadSessionBoundIsADurationOfASecondOrMoreOrOff() {
    var e = assertThrows(NodeConfig.InvalidConfigException.class,
        () -> NodeConfig.validate(with("courant.cassandra.dead-session-after = 500ms")));
    assertMentions(e.problems().get(0), "courant.cassandra.dead-session-after", "off or at least 1s");
    e = assertThrows(NodeConfig.InvalidConfigException.class,
        () -> NodeConfig.validate(with("courant.cassandra.dead-session-after = soon")));
    assertMentions(e.problems().get(0), "dead-session-after", "soon");
    NodeConfig.validate(with("courant.cassandra.dead-session-after = off"));
    NodeConfig.validate(with("courant.cassandra.dead-session-after = 2 minutes"));
  }

  @Test
  void withoutFencingTheDownRemovalMarginMustCoverTheResolversDecision() {
    String fencingOff = "courant.log.fencing.enabled = off\n";
    var e = assertThrows(NodeConfig.InvalidConfigException.class, () -> NodeConfig.validate(with(fencingOff)));
    assertMentions(e.problems().get(0), "down-removal-margin", "100ms", "stable-after", "courant.log.fencing.enabled");
    NodeConfig.validate(with(fencingOff + "pekko.cluster.down-removal-margin = off"));
    NodeConfig.validate(with(fencingOff + "pekko.cluster.down-removal-margin = 3s"));
  }

  @Test
  void aNodeWithAWrongValueRefusesToStartBeforeStartingCassandra() {
    long started = System.nanoTime();
    var e = assertThrows(NodeConfig.InvalidConfigException.class,
        () -> CourantNode.start(with("courant.kafka.port = -1\ncourant.cassandra.embedded.data-directory = \"target/never-started\"")));
    assertTrue(e.getMessage().contains("courant.kafka"), e.getMessage());
    assertTrue(System.nanoTime() - started < 5_000_000_000L, "refused at once, not after starting Cassandra");
    assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("target/never-started")), "Cassandra was not started");
  }

  private static void assertMentions(String problem, String... words) {
    for (String w : words) {
      assertTrue(problem.contains(w), "'" + problem + "' should mention " + w);
    }
  }
}
