package io.courant.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.courant.log.internal.LogState;
import io.courant.log.internal.PartitionLog;
import io.courant.testing.Batches;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The persistent half of a partition with Pekko's test kit: events and snapshots go through the
 * dedicated serializer (the kit serializes every command, event and state) and state is rebuilt on
 * restart.
 */
class PartitionLogEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
          .withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void persistedBatchesBuildTheIndexAndSurviveARestart() {
    TestProbe<PartitionLog.Notice> recovered = testKit.createTestProbe();
    EventSourcedBehaviorTestKit<PartitionLog.Command, PartitionLog.Event, LogState> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), PartitionLog.create(PersistenceId.ofUniqueId("p-test"), recovered.ref(), 2));
    TestProbe<PartitionLog.Persisted> replies = testKit.createTestProbe();

    byte[] first = Batches.idempotent(5L, (short) 0, 0, "a", "b");
    io.courant.log.internal.kafka.RecordBatches.assignOffsets(java.nio.ByteBuffer.wrap(first), 0, -1);
    var result = kit.runCommand(new PartitionLog.Persist(new PartitionLog.RecordsAppended(0, 1, 10, first), replies.ref()));
    assertEquals(1, result.state().lastSeqNr());
    assertEquals(2, result.state().nextOffset());
    assertEquals(new PartitionLog.Persisted(1, 2), replies.receiveMessage());

    byte[] second = Batches.idempotent(5L, (short) 0, 2, "c");
    io.courant.log.internal.kafka.RecordBatches.assignOffsets(java.nio.ByteBuffer.wrap(second), 2, -1);
    kit.runCommand(new PartitionLog.Persist(new PartitionLog.RecordsAppended(2, 2, 20, second), replies.ref()));
    replies.receiveMessage();

    var restarted = kit.restart();
    LogState state = restarted.state();
    assertEquals(3, state.nextOffset());
    assertEquals(2, state.index().size());
    assertEquals(1, state.index().findOffset(2));
    assertEquals(0, state.index().findTimestamp(5));
    assertEquals(1, state.index().findTimestamp(15));
    assertEquals(1, state.producers().size());

    // The log start moves past the first event: it leaves the index, and a snapshot holds that.
    var advanced = kit.runCommand(new PartitionLog.AdvanceStart(new PartitionLog.LogStartAdvanced(2), replies.ref()));
    assertEquals(new PartitionLog.Persisted(3, 3), replies.receiveMessage());
    assertEquals(2, advanced.state().logStartOffset());
    assertEquals(1, advanced.state().index().size());
    LogState again = kit.restart().state();
    assertEquals(2, again.logStartOffset());
    assertEquals(1, again.index().size());
    assertEquals(2, again.index().baseOffset(0));
    assertEquals(3, again.lastSeqNr());
  }
}
