package io.courant.cluster;

import static io.courant.testing.TestNode.await;
import static io.courant.testing.TestNode.uniqueTopic;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import io.courant.cassandra.SessionWatchdog;
import io.courant.client.Courant;
import io.courant.client.NewTopic;
import io.courant.client.ProducerRecord;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.junit.jupiter.api.Test;

/**
 * A node whose Cassandra session stops working while Cassandra works (the long Jepsen-style run
 * once saw a node's driver never reconnect after a Cassandra restart) is taken out of the cluster
 * by {@link SessionWatchdog}: its partitions move to the other node, which writes them. The fault
 * is injected by closing the node's session (the one the journal and the lease share), so every
 * request on it fails while the suite's Cassandra answers new connections.
 */
class DeadSessionTest {
  @Test
  void aNodeWhoseSessionNoLongerWorksLeavesAndItsPartitionsMoveToTheOtherNode() throws Exception {
    String topic = uniqueTopic("dead-session");
    int partitions = 4;
    try (TestNode a = TestNode.start(ConfigFactory.parseString("courant.cassandra.dead-session-after = off"))) {
      TestNode b = TestNode.joining(a, ConfigFactory.parseString("courant.cassandra.dead-session-after = 2s"));
      try {
        Courant courant = a.courant();
        Address bAddress = Cluster.get(b.system()).selfMember().address();
        await(courant.createTopic(new NewTopic(topic, partitions)));
        // Appends through b start partitions on both nodes (sharding places them by load).
        for (int p = 0; p < partitions; p++) {
          await(b.courant().send(ProducerRecord.of(topic, null, "before-" + p).withPartition(p)));
        }
        Map<TopicPartition, Address> owners = await(courant.partitionOwners());
        // (The cluster lists every topic on the suite's Cassandra: keep this test's own.)
        List<TopicPartition> onB = owners.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic) && bAddress.equals(e.getValue())).map(Map.Entry::getKey).toList();
        assertTrue(!onB.isEmpty(), "some partition of " + topic + " lives on the second node: "
            + owners.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)).toList());

        CqlSession session = PersistenceQuery.get(b.system())
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
            .session().underlying().toCompletableFuture().get(10, TimeUnit.SECONDS);
        session.close();

        b.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertTrue(SessionWatchdog.tookOut(b.system()), "the node stopped because its session died: "
            + org.apache.pekko.actor.CoordinatedShutdown.get(b.system()).getShutdownReason());
        // b's partitions start on a (b gave its lease up as it left) and take appends again.
        for (TopicPartition tp : onB) {
          Await.until(tp + " writable on the remaining node", Duration.ofSeconds(30), () -> {
            try {
              courant.send(ProducerRecord.of(topic, null, "after").withPartition(tp.partition())).toCompletableFuture()
                  .get(5, TimeUnit.SECONDS);
              return true;
            } catch (Exception e) {
              return false; // moving: try again
            }
          });
        }
      } finally {
        b.system().terminate();
      }
    }
  }
}
