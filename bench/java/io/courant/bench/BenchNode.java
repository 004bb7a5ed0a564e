package io.courant.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.testing.TestCassandra;
import java.io.IOException;
import java.nio.file.Path;

/** The node configuration the benchmarks share. */
final class BenchNode {
  private BenchNode() {}

  /**
   * A fresh embedded Cassandra under {@code target/bench-cassandra} (its old data deleted, 2 GiB
   * heap, free CQL and storage ports), free HTTP, Kafka and cluster ports, and {@code extra} settings
   * over the defaults.
   */
  static Config freshConfig(Path home, String extra) throws IOException {
    PartitionLogBenchmark.deleteRecursively(home.resolve("target/bench-cassandra"));
    int[] cassandraPorts = TestCassandra.freePorts();
    return ConfigFactory.parseString(extra + "\ncourant.cassandra.embedded.data-directory = \"target/bench-cassandra\"\n"
            + "courant.cassandra.embedded.heap = 2g\ncourant.http.port = 0\ncourant.kafka.port = 0\n"
            + "courant.cassandra.embedded.cql-port = " + cassandraPorts[0] + "\n"
            + "courant.cassandra.embedded.storage-port = " + cassandraPorts[1] + "\n"
            + "pekko.remote.artery.canonical.port = 0\n")
        .withFallback(ConfigFactory.load());
  }

  /** Removes a hook that stops what a benchmark started, once the benchmark stopped it itself. */
  static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs (and finds nothing left to stop)
    }
  }
}
