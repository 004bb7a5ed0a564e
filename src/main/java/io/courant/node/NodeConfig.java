package io.courant.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.courant.cassandra.CassandraSettings;
import io.courant.client.ClientSettings;
import io.courant.http.HttpSettings;
import io.courant.kafka.KafkaSettings;
import io.courant.log.LogSettings;
import io.courant.log.internal.EventCache;
import io.courant.log.internal.NodeLease;
import io.courant.stream.CommitterSettings;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.ProducerSettings;
import io.courant.stream.serialization.ByteArrayDeserializer;
import io.courant.stream.serialization.ByteArraySerializer;
import io.courant.topic.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a node's whole configuration before anything starts: every {@code courant.*} section is
 * read into its settings object, whose checks name the key and what is allowed, and the Split
 * Brain Resolver's strategy is one Pekko knows. A node with a wrong value refuses to start and says
 * all that is wrong at once, rather than failing later (or never) in the middle of its work.
 */
public final class NodeConfig {
  private static final Set<String> SBR_STRATEGIES =
      Set.of("keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority");

  private NodeConfig() {}

  /** A configuration that a node must not start with; the message lists every problem. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    private final List<String> problems;

    InvalidConfigException(List<String> problems) {
      super("invalid configuration:\n  - " + String.join("\n  - ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * @throws InvalidConfigException if any value is missing, of the wrong type or out of range
   */
  public static void validate(Config config) {
    Map<String, Runnable> checks = new LinkedHashMap<>();
    checks.put("courant.cassandra", () -> CassandraSettings.create(config.getConfig("courant.cassandra")));
    checks.put("courant.log", () -> {
      LogSettings.create(config.getConfig("courant.log"));
      EventCache.maxBytes(config.getConfig("courant.log"));
    });
    checks.put("courant.log.fencing", () -> NodeLease.validate(config.getConfig("courant.log.fencing")));
    checks.put("courant.topic", () -> TopicSettings.create(config.getConfig("courant.topic")));
    checks.put("courant.topic.data-deleter", () -> {
      String deleter = config.getString("courant.topic.data-deleter");
      if (!deleter.equals("cassandra") && !deleter.equals("none")) {
        throw new IllegalArgumentException("courant.topic.data-deleter must be cassandra or none, not '" + deleter + "'");
      }
    });
    checks.put("courant.client", () -> ClientSettings.create(config.getConfig("courant.client")));
    checks.put("courant.http", () -> HttpSettings.create(config.getConfig("courant.http")));
    checks.put("courant.kafka", () -> KafkaSettings.create(config.getConfig("courant.kafka")));
    checks.put("courant.producer", () -> ProducerSettings.create(config.getConfig("courant.producer"), new ByteArraySerializer(),
        new ByteArraySerializer()));
    checks.put("courant.consumer", () -> ConsumerSettings.create(config.getConfig("courant.consumer"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer()));
    checks.put("courant.committer", () -> CommitterSettings.create(config.getConfig("courant.committer")));
    checks.put("pekko.cluster.split-brain-resolver", () -> {
      String strategy = config.getString("pekko.cluster.split-brain-resolver.active-strategy");
      if (!SBR_STRATEGIES.contains(strategy)) {
        throw new IllegalArgumentException("pekko.cluster.split-brain-resolver.active-strategy must be one of "
            + new java.util.TreeSet<>(SBR_STRATEGIES) + ", not '" + strategy + "'");
      }
      config.getDuration("pekko.cluster.split-brain-resolver.stable-after");
    });
    checks.put("pekko.cluster.down-removal-margin", () -> {
      // Courant keeps the margin minimal because leases fence every persistent actor; without
      // fencing, the margin is what keeps a downed node's copies from overlapping the new ones.
      String margin = config.getString("pekko.cluster.down-removal-margin");
      Duration stableAfter = config.getDuration("pekko.cluster.split-brain-resolver.stable-after");
      if (!margin.equals("off") && !config.getBoolean("courant.log.fencing.enabled")
          && config.getDuration("pekko.cluster.down-removal-margin").compareTo(stableAfter) < 0) {
        throw new IllegalArgumentException("pekko.cluster.down-removal-margin (" + margin + ") must be off or at least "
            + "split-brain-resolver.stable-after (" + stableAfter + ") when courant.log.fencing.enabled is off");
      }
    });
    List<String> problems = new ArrayList<>();
    checks.forEach((section, check) -> {
      try {
        check.run();
      } catch (ConfigException | IllegalArgumentException e) {
        // Settings read from a section report keys relative to it: say which section.
        String message = String.valueOf(e.getMessage());
        problems.add(message.startsWith(section) ? message : section + ": " + message);
      }
    });
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
  }
}
