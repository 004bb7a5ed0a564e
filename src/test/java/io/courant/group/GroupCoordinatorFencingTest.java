package io.courant.group;

import static io.courant.testing.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.courant.client.TopicPartition;
import io.courant.log.internal.NodeLease;
import io.courant.testing.Await;
import io.courant.testing.NodeExtension;
import io.courant.testing.TestCassandra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A group coordinator is fenced like a partition: while another node's lease on the group is alive
 * (that node may still be acting on it), the coordinator does not start here; it starts, claims the
 * group and takes the commit once that lease has expired.
 */
class GroupCoordinatorFencingTest {
  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void aCoordinatorWaitsForThePreviousOwnersLeaseToExpire() throws Exception {
    String groupId = "fenced-" + UUID.randomUUID();
    String persistenceId = PersistenceId.of(GroupCoordinator.ENTITY_KEY.name(), groupId).id();
    String otherNode = "pekko://courant@127.0.0.9:2552#" + UUID.randomUUID();
    int otherLeaseSeconds = 4;
    TopicPartition tp = new TopicPartition(node.topicWithRecords("fenced", 1, 10), 0);
    try (CqlSession cql = TestCassandra.connect(TestCassandra.contactPoint())) {
      // Another (live, as far as Cassandra knows) node owns the group: its lease row has 4 s to live.
      Await.until("the lease tables", Duration.ofSeconds(60), () -> {
        try {
          cql.execute(SimpleStatement.newInstance("INSERT INTO courant_journal.node_leases (node) VALUES (?) USING TTL ?",
              otherNode, otherLeaseSeconds));
          cql.execute(SimpleStatement.newInstance("INSERT INTO courant_journal.partition_owners (persistence_id, owner) VALUES (?, ?)",
              persistenceId, otherNode));
          return true;
        } catch (RuntimeException tablesNotYetCreated) {
          return false;
        }
      });
      long written = System.nanoTime();

      await(node.courant().commitOffsets(groupId, Map.of(tp, OffsetAndMetadata.of(5))));
      double tookSeconds = (System.nanoTime() - written) / 1e9;

      assertNull(cql.execute(SimpleStatement.newInstance("SELECT node FROM courant_journal.node_leases WHERE node = ?", otherNode)).one(),
          "the commit was taken only after the other node's lease expired");
      assertTrue(tookSeconds > otherLeaseSeconds - 1, "the commit waited for the lease: " + tookSeconds + " s");
      assertEquals(NodeLease.get(node.system()).nodeId(), cql.execute(SimpleStatement.newInstance(
          "SELECT owner FROM courant_journal.partition_owners WHERE persistence_id = ?", persistenceId)).one().getString("owner"),
          "this node claimed the group");
      assertEquals(5, await(node.courant().committedOffsets(groupId, List.of(tp))).get(tp).offset());
    }
  }
}
