package io.courant.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.courant.cassandra.CassandraSettings;
import io.courant.testing.TestCassandra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run on the build machines (no Docker engine): this test checks its
 * structure, and that the settings it hands each Courant node make the configuration a production
 * cluster needs, read the way the node reads it (conf/application.conf, environment, -D options).
 */
class DockerComposeTest {
  private static final Path HOME = TestCassandra.courantHome();

  /** The file as Compose reads it: SnakeYAML resolves anchors, aliases and merge keys ({@code <<: *anchor}). */
  private static JsonNode compose() throws Exception {
    Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(HOME.resolve("docker-compose.yml")));
    return new ObjectMapper().valueToTree(yaml);
  }

  @Test
  void threeCassandraNodesShareASeedAndTheSchemaIsCreatedOnceAllAreUp() throws Exception {
    JsonNode services = compose().get("services");
    for (String name : List.of("cassandra-1", "cassandra-2", "cassandra-3")) {
      JsonNode c = services.get(name);
      assertEquals("cassandra:5.0.9", c.get("image").asText(), name + " runs the Cassandra the project tests against");
      assertEquals("cassandra-1", c.get("environment").get("CASSANDRA_SEEDS").asText());
      assertEquals("datacenter1", c.get("environment").get("CASSANDRA_DC").asText(), "the data center schema.cql replicates to");
    }
    JsonNode schema = services.get("schema");
    assertEquals("service_healthy", schema.get("depends_on").get("cassandra-3").get("condition").asText());
    assertTrue(schema.get("volumes").get(0).asText().startsWith("./cassandra/schema.cql:"));
    String cql = Files.readString(HOME.resolve("cassandra/schema.cql"));
    assertTrue(cql.contains("'datacenter1':3"), "schema.cql replicates the keyspaces three times in datacenter1");
  }

  @Test
  void eachCourantNodeJoinsOneClusterOnAllThreeCassandraNodesWithAutoCreateOff() throws Exception {
    JsonNode services = compose().get("services");
    Set<String> hosts = new HashSet<>();
    Set<Integer> published = new HashSet<>();
    Set<Integer> kafkaPorts = new HashSet<>();
    for (String name : List.of("courant-1", "courant-2", "courant-3")) {
      JsonNode node = services.get(name);
      assertEquals("bin/courant start", node.get("command").asText());
      assertEquals("unless-stopped", node.get("restart").asText(), name + " is started again after a downing or a dead session");
      assertEquals("service_completed_successfully", node.get("depends_on").get("schema").get("condition").asText());
      published.add(Integer.parseInt(node.get("ports").get(0).asText().split(":")[0]));
      Config config = nodeConfig(node.get("environment"));
      hosts.add(config.getString("pekko.remote.artery.canonical.hostname"));
      assertEquals(List.of("pekko://courant@courant-1:25520"), config.getStringList("pekko.cluster.seed-nodes"), name);
      assertEquals("0.0.0.0", config.getString("courant.http.interface"));
      CassandraSettings cassandra = CassandraSettings.create(config.getConfig("courant.cassandra"));
      assertEquals(List.of("cassandra-1:9042", "cassandra-2:9042", "cassandra-3:9042"), cassandra.contactPoints(), name);
      assertTrue(!cassandra.startEmbedded(), name + " must not start an embedded Cassandra");
      for (String store : List.of("journal", "snapshot")) {
        assertTrue(!config.getBoolean("pekko.persistence.cassandra." + store + ".keyspace-autocreate"), name + " " + store);
        assertTrue(!config.getBoolean("pekko.persistence.cassandra." + store + ".tables-autocreate"), name + " " + store);
      }
      assertEquals("keep-majority", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
      var kafka = io.courant.kafka.KafkaSettings.create(config.getConfig("courant.kafka"));
      assertEquals("0.0.0.0", kafka.iface(), name);
      assertEquals("localhost", kafka.advertisedHost(), name + ": Kafka clients on the Docker host are told localhost");
      assertEquals(kafka.port() + ":" + kafka.port(), node.get("ports").get(1).asText(), name + " publishes its Kafka port as is");
      kafkaPorts.add(kafka.port());
    }
    assertEquals(Set.of(9092, 9093, 9094), kafkaPorts, "each node's own Kafka port");
    assertEquals(Set.of("courant-1", "courant-2", "courant-3"), hosts, "each node is reached at its own host name");
    assertEquals(Set.of(8080, 8081, 8082), published);
  }

  /** The node's configuration as bin/courant builds it: COURANT_OPTS -D options over conf/application.conf with the environment. */
  private static Config nodeConfig(JsonNode environment) {
    Map<String, String> env = new HashMap<>();
    environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    Properties options = new Properties();
    List<String> words = new ArrayList<>(List.of(env.getOrDefault("COURANT_OPTS", "").trim().split("\\s+")));
    for (String word : words) {
      if (word.startsWith("-D")) {
        int eq = word.indexOf('=');
        options.setProperty(word.substring(2, eq), word.substring(eq + 1));
      }
    }
    // The environment variables as root keys, so that ${?COURANT_HOST} and the like resolve to them
    // (and not to this machine's environment).
    Config application = ConfigFactory.parseFile(HOME.resolve("conf/application.conf").toFile(), ConfigParseOptions.defaults());
    return ConfigFactory.parseProperties(options).withFallback(application).withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.defaultReference()).resolve(com.typesafe.config.ConfigResolveOptions.noSystem());
  }
}
