package io.courant.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.jepsen.HistoryChecker.Fault;
import io.courant.jepsen.HistoryChecker.Read;
import io.courant.jepsen.HistoryChecker.Report;
import io.courant.jepsen.HistoryChecker.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The history checker on crafted histories: a clean one is clean, and each anomaly is found and named. */
class HistoryCheckerTest {
  /** Two partitions, three acknowledged writes each, a fault at 100 ms; partition 1 writable again at 180 ms. */
  private static List<Write> writes() {
    return new ArrayList<>(List.of(
        Write.acked("a0", 0, 0, 0, 10), Write.acked("a1", 0, 1, 20, 30),
        Write.acked("b0", 1, 0, 0, 10), Write.acked("b1", 1, 1, 20, 30),
        Write.unknown("a-lost-ack", 0, 90, 150),
        Write.acked("a2", 0, 3, 110, 140), Write.acked("b2", 1, 2, 120, 180)));
  }

  private static List<Read> reads() {
    return new ArrayList<>(List.of(
        new Read("c1", 0, 0, "a0"), new Read("c1", 1, 0, "b0"), new Read("c1", 0, 1, "a1"), new Read("c1", 1, 1, "b1"),
        new Read("c1", 0, 2, "a-lost-ack"), new Read("c1", 0, 3, "a2"), new Read("c1", 1, 2, "b2"),
        new Read("c2", 0, 3, "a2"), new Read("c2", 1, 2, "b2")));
  }

  private static final List<Fault> FAULT = List.of(new Fault("kill -9 b", 100, 105));

  @Test
  void aCleanHistoryIsCleanAndItsWindowIsTheLastPartitionsFirstAck() {
    Report r = HistoryChecker.check(writes(), reads(), FAULT, 2);
    assertTrue(r.clean(), r.describe(5));
    assertEquals(6, r.acknowledged());
    assertEquals(1, r.unknownThenRead(), "the write whose ack was lost was stored: not an anomaly");
    assertEquals(80, r.windows().get(0).writableAgainMs(), "from 100 ms until partition 1's ack at 180 ms");
    assertEquals(80, r.windows().get(0).unavailableMs(), "partition 1 had no ack from the fault at 100 ms until 180 ms");
    assertEquals(List.of(40L, 80L), r.windows().get(0).gapByPartition());
  }

  @Test
  void aPartitionThatAnswersOnceAfterTheFaultAndThenStallsIsUnavailableForTheStallWithinEachFaultsPeriod() {
    List<Write> writes = writes();
    // Partition 0 answers at 140 ms, then nothing until 900 ms; a second fault at 500 ms.
    writes.add(Write.acked("a3", 0, 4, 150, 900));
    writes.add(Write.acked("b3", 1, 3, 190, 200));
    writes.add(Write.acked("b4", 1, 4, 600, 610));
    writes.add(Write.acked("a4", 0, 5, 600, 950));
    List<Read> reads = reads();
    reads.addAll(List.of(new Read("c1", 0, 4, "a3"), new Read("c1", 1, 3, "b3"), new Read("c1", 1, 4, "b4"), new Read("c1", 0, 5, "a4")));
    List<Fault> faults = List.of(new Fault("kill -9 b", 100, 105), new Fault("SIGSTOP c", 500, 510));
    Report r = HistoryChecker.check(writes, reads, faults, 2);
    HistoryChecker.Window first = r.windows().get(0);
    assertEquals(80, first.writableAgainMs(), "both partitions acknowledged a write sent after the fault by 180 ms");
    assertEquals(360, first.unavailableMs(), "partition 0 stalled from 140 ms past the second fault at 500 ms: counted up to it");
    assertEquals(List.of(360L, 300L), first.gapByPartition(), "partition 1: 200 ms to the second fault");
    assertEquals(List.of(140L, 200L), first.gapStartByPartition());
    HistoryChecker.Window second = r.windows().get(1);
    assertEquals(400, second.unavailableMs(), "and counted again from the second fault: 500 to 900 ms");
    assertTrue(r.clean(), "a long stall is a measurement, not an anomaly: " + r.describe(5));
  }

  @Test
  void writesAcknowledgedWithoutAnOffsetAreCheckedByValueOnly() {
    // Kafka producers report a batch answered DUPLICATE_SEQUENCE_NUMBER (stored before) at offset -1.
    List<Write> writes = writes();
    writes.add(Write.acked("a4", 0, -1, 150, 160));
    writes.add(Write.acked("b4", 1, -1, 150, 160));
    List<Read> reads = reads();
    reads.add(new Read("c1", 0, 4, "a4"));
    Report r = HistoryChecker.check(writes, reads, FAULT, 2);
    assertTrue(r.conflicting().isEmpty() && r.duplicated().isEmpty(), r.describe(5));
    assertEquals(List.of("b4"), r.lost().stream().map(Write::value).toList(), "never read: lost, offset or not");
  }

  @Test
  void anAcknowledgedWriteNeverReadIsLost() {
    List<Read> reads = reads();
    reads.removeIf(r -> r.value().equals("b1"));
    Report r = HistoryChecker.check(writes(), reads, FAULT, 2);
    assertFalse(r.clean());
    assertEquals(List.of("b1"), r.lost().stream().map(Write::value).toList());
  }

  @Test
  void aValueReadAtTwoOffsetsIsADuplicate() {
    List<Write> writes = writes();
    writes.add(Write.acked("a4", 0, 4, 150, 160));
    List<Read> reads = reads();
    reads.add(new Read("c1", 0, 4, "a4"));
    reads.add(new Read("c1", 0, 5, "a4"));
    Report r = HistoryChecker.check(writes, reads, FAULT, 2);
    assertFalse(r.clean());
    assertEquals(Map.of("a4", Set.of("0@4", "0@5")), r.duplicated());
    assertTrue(r.conflicting().isEmpty() && r.nonMonotonic().isEmpty() && r.lost().isEmpty(), r.describe(5));
  }

  @Test
  void anUnacknowledgedWriteStoredTwiceIsADuplicateToo() {
    List<Read> reads = reads();
    reads.add(new Read("c2", 0, 4, "a-lost-ack"));
    Report r = HistoryChecker.check(writes(), reads, FAULT, 2);
    assertEquals(Set.of("a-lost-ack"), r.duplicated().keySet());
  }

  @Test
  void oneOffsetWithTwoValuesIsFoundBetweenReadsAndBetweenAReadAndAnAck() {
    List<Read> reads = reads();
    reads.set(reads.size() - 1, new Read("c2", 1, 2, "b1")); // c2 sees b1 where c1 saw b2 (and b2 was acked)
    Report r = HistoryChecker.check(writes(), reads, FAULT, 2);
    assertFalse(r.clean());
    assertEquals(Set.of("b1", "b2"), r.conflicting().get("1@2"));

    List<Write> writes = writes();
    writes.set(1, Write.acked("a1", 0, 3, 20, 30)); // acknowledged at 3, read at 1; 3 holds a2
    Report byAck = HistoryChecker.check(writes, reads(), FAULT, 2);
    assertEquals(Set.of("a1", "a2"), byAck.conflicting().get("0@3"));
    assertEquals(Set.of("0@1", "0@3"), byAck.duplicated().get("a1"), "and a1 is at two offsets");
  }

  @Test
  void anOffsetReadAfterAHigherOneOfTheSamePartitionIsNonMonotonic() {
    List<Read> reads = reads();
    reads.add(new Read("c2", 0, 1, "a1")); // c2 went back on partition 0 (3, then 1)
    Report r = HistoryChecker.check(writes(), reads, FAULT, 2);
    assertFalse(r.clean());
    assertEquals(1, r.nonMonotonic().size(), r.describe(5));
    assertTrue(r.nonMonotonic().get(0).startsWith("c2 read offset 1 of partition 0 after offset 3"), r.nonMonotonic().get(0));

    List<Read> twice = reads();
    twice.add(6, new Read("c1", 0, 3, "a2")); // the same offset twice in a row is not an increase either
    assertEquals(1, HistoryChecker.check(writes(), twice, FAULT, 2).nonMonotonic().size());
  }

  @Test
  void aValueNobodyWroteOrReadInTheWrongPartitionIsReported() {
    List<Read> reads = reads();
    reads.add(new Read("c1", 1, 3, "ghost"));
    reads.add(new Read("c1", 1, 4, "a0"));
    Report r = HistoryChecker.check(writes(), reads, FAULT, 2);
    assertFalse(r.clean());
    assertEquals(2, r.unknownValues().size(), r.describe(5));
  }

  @Test
  void aPartitionWithoutAnAckedWriteAfterTheFaultLeavesTheWindowOpen() {
    List<Write> writes = writes();
    writes.removeIf(w -> w.value().equals("b2"));
    writes.add(Write.unknown("b2", 1, 120, 400));
    Report r = HistoryChecker.check(writes, reads(), FAULT, 2);
    assertFalse(r.clean());
    assertEquals(-1, r.windows().get(0).writableAgainMs());
    assertEquals(List.of(1), r.windows().get(0).unrecovered());
    // A write sent before the fault and acknowledged after it does not close the window.
    writes.add(Write.acked("b-early", 1, 3, 95, 200));
    assertEquals(List.of(1), HistoryChecker.check(writes, reads(), FAULT, 2).windows().get(0).unrecovered());
  }

  @Test
  void valuesMustBeUnique() {
    List<Write> writes = writes();
    writes.add(Write.failed("a0", 1, 5, 6));
    assertThrows(IllegalArgumentException.class, () -> HistoryChecker.check(writes, reads(), FAULT, 2));
  }
}
