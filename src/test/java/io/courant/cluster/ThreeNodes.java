package io.courant.cluster;

import static io.courant.testing.TestNode.await;

import com.typesafe.config.ConfigFactory;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.FetchResult;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.NodeProcess;
import io.courant.testing.TestCassandra;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A three-node cluster for a test: the seed in the test JVM (127.0.0.1, where the test drives the
 * Java API), nodes b and c as separate JVMs on 127.0.0.2 and 127.0.0.3; all Up when constructed.
 */
public final class ThreeNodes implements AutoCloseable {
  public final TestNode seed;
  public final NodeProcess b;
  public final NodeProcess c;

  public ThreeNodes(String name) {
    int port = TestCassandra.freePorts()[0];
    seed = TestNode.start(ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.canonical.hostname", "127.0.0.1", "pekko.remote.artery.canonical.port", port)));
    b = NodeProcess.start(name + "-b", "127.0.0.2", "pekko://courant@127.0.0.1:" + port, List.of());
    c = NodeProcess.start(name + "-c", "127.0.0.3", "pekko://courant@127.0.0.1:" + port, List.of());
    Cluster cluster = Cluster.get(seed.system());
    try {
      Await.until("three nodes Up", Duration.ofSeconds(90), Duration.ofMillis(200), () -> {
        int up = 0;
        for (var m : cluster.state().getMembers()) {
          up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return up == 3;
      });
    } catch (AssertionError e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    b.close();
    c.close();
    seed.close();
  }

  /** The values of a partition's records, read from its start to its end through the Java API. */
  public static List<String> values(Courant courant, TopicPartition tp) {
    List<String> out = new ArrayList<>();
    long offset = await(courant.earliestOffset(tp));
    long end = await(courant.latestOffset(tp));
    while (offset < end) {
      FetchResult r = await(courant.fetch(tp, offset, 1 << 20, Duration.ZERO));
      for (ConsumerRecord record : r.records()) {
        out.add(record.valueString());
      }
      offset = r.records().get(r.records().size() - 1).offset() + 1;
    }
    return out;
  }
}
