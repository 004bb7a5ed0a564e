package io.courant.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.courant.log.internal.LogIndex;
import org.junit.jupiter.api.Test;

/** The offset/timestamp index: lookups, sizes, trimming and growth. */
class LogIndexTest {

  private static LogIndex indexOf(int events, int recordsPerEvent) {
    LogIndex index = new LogIndex();
    for (int i = 0; i < events; i++) {
      // Timestamps go back and forth: the index searches a running maximum.
      long maxTimestamp = i % 2 == 0 ? 1000L * i : 1000L * i - 1500;
      index.add((long) i * recordsPerEvent, (long) i * recordsPerEvent + recordsPerEvent - 1, i + 1, maxTimestamp, 100 + i);
    }
    return index;
  }

  @Test
  void findsTheEntryHoldingAnOffset() {
    LogIndex index = indexOf(1000, 10);
    assertEquals(0, index.findOffset(0));
    assertEquals(0, index.findOffset(9));
    assertEquals(1, index.findOffset(10));
    assertEquals(999, index.findOffset(9999));
    assertEquals(-1, index.findOffset(10_000));
  }

  @Test
  void findsTheFirstEntryReachingATimestamp() {
    LogIndex index = indexOf(10, 1);
    assertEquals(0, index.findTimestamp(-5));
    assertEquals(2, index.findTimestamp(1500));
    assertEquals(2, index.findTimestamp(2000));
    assertEquals(-1, index.findTimestamp(100_000));
  }

  @Test
  void countsBytesFromAPosition() {
    LogIndex index = indexOf(4, 1);
    assertEquals(100 + 101 + 102 + 103, index.totalBytes());
    assertEquals(102 + 103, index.bytesFrom(2));
    assertEquals(0, index.bytesFrom(4));
  }

  @Test
  void dropsEntriesBeforeAnOffsetAndKeepsWorkingAsItGrows() {
    LogIndex index = indexOf(100, 10);
    index.dropBefore(505);
    assertEquals(50, index.size());
    assertEquals(500, index.baseOffset(0));
    assertEquals(0, index.findOffset(505));
    assertEquals(51 * 1L, index.seqNr(0));
    for (int i = 100; i < 300; i++) {
      index.add(i * 10L, i * 10L + 9, i + 1, 1000L * i, 1);
    }
    assertEquals(250, index.size());
    assertEquals(249, index.findOffset(2999));
    assertEquals(index.totalBytes(), index.copy().totalBytes());
    assertEquals(index.findOffset(1234), index.copy().findOffset(1234));
  }

  @Test
  void compactionReplacesARangeOfEntriesAndLookupsFollow() {
    LogIndex index = new LogIndex();
    index.add(0, 2, 1, 5_000, 100);
    index.add(3, 4, 2, 1_000, 100);
    index.add(5, 6, 3, 2_000, 100);
    index.add(7, 7, 4, 3_000, 100);
    index.replace(0, 5, 3, 4, 10, 1_000, 40);
    assertEquals(3, index.size());
    assertEquals(0, index.findOffset(0), "an offset compacted away leads to the next record kept");
    assertEquals(3, index.baseOffset(0));
    assertEquals(10, index.seqNr(0));
    assertEquals(3, index.minSeqNr());
    assertEquals(240, index.totalBytes());
    assertEquals(1, index.findTimestamp(1_500), "the running max is rebuilt from each event's own max (5000 is gone)");
    index.replace(5, 7, 0, 0, 11, -1, 0);
    assertEquals(2, index.size(), "an empty compacted event removes the range");
    assertEquals(1, index.findOffset(5));
    assertEquals(7, index.baseOffset(1));
  }
}
