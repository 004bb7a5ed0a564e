package io.courant.jepsen;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a history of a fault test: the producers' writes (each value written once, with its
 * outcome) and the consumers' reads (in each consumer's read order), against the faults injected.
 * Reports lost writes (acknowledged, never read), duplicates (one value read at two offsets), one
 * offset holding two values (two reads, or a read and an acknowledgement, that disagree), offsets
 * that do not increase within a partition in a consumer's read order, and, per fault, how long
 * until every partition had an acknowledged write again and the longest time a partition went
 * without an acknowledgement. Pure: no cluster, no clock.
 */
public final class HistoryChecker {
  private HistoryChecker() {}

  /** How a write ended at its producer. */
  public enum Outcome {
    /** Acknowledged at {@link Write#offset} (-1: acknowledged as stored before, offset not told). */
    ACKED,
    /** Definitely not written (refused before it was sent). */
    FAILED,
    /** Failed at the client after it may have been sent (a timeout, a retriable error): may be stored. */
    UNKNOWN
  }

  /**
   * One write: its unique value, partition, outcome, offset (when acknowledged, else -1), and the
   * times (ms since the test started) it was sent and its outcome known.
   */
  public record Write(String value, int partition, Outcome outcome, long offset, long sentAt, long doneAt) {
    public static Write acked(String value, int partition, long offset, long sentAt, long doneAt) {
      return new Write(value, partition, Outcome.ACKED, offset, sentAt, doneAt);
    }

    public static Write failed(String value, int partition, long sentAt, long doneAt) {
      return new Write(value, partition, Outcome.FAILED, -1, sentAt, doneAt);
    }

    public static Write unknown(String value, int partition, long sentAt, long doneAt) {
      return new Write(value, partition, Outcome.UNKNOWN, -1, sentAt, doneAt);
    }
  }

  /** One record read by a consumer, listed in that consumer's read order. */
  public record Read(String consumer, int partition, long offset, String value) {}

  /** A fault injected at {@code at} and healed (node restarted, resumed, Cassandra back) at {@code healedAt}, ms. */
  public record Fault(String name, long at, long healedAt) {}

  /**
   * A fault's unavailability, measured two ways. {@code writableAgainMs}: from the fault until every
   * partition had acknowledged a write sent after it ({@code -1} if some partition never did:
   * {@code unrecovered} names them). {@code unavailableMs}: the longest time any partition went
   * without an acknowledgement during the fault's period (from the fault until the next fault, or
   * the end of the history), counted within that period: a partition that answers once after the
   * fault and then stalls for longer is caught here, not by the first measure, and a stall that
   * lasts into the next fault's period counts in both, each up to its own bounds.
   * {@code gapByPartition} holds each partition's longest such stretch, {@code gapStartByPartition}
   * when it began (ms since start).
   */
  public record Window(Fault fault, long unavailableMs, long writableAgainMs, List<Integer> unrecovered, List<Long> byPartition,
      List<Long> gapByPartition, List<Long> gapStartByPartition) {
    @Override
    public String toString() {
      return fault.name() + " at " + fault.at() + " ms (healed after " + (fault.healedAt() - fault.at()) + " ms): "
          + (writableAgainMs < 0 ? "partitions " + unrecovered + " never accepted a write again"
              : "every partition writable again after " + writableAgainMs + " ms")
          + ", longest time without an acknowledgement " + unavailableMs + " ms"
          + "; first acknowledged write sent after it, by partition (ms after the fault): " + byPartition
          + "; longest time without an acknowledgement by partition (ms): " + gapByPartition + " starting at " + gapStartByPartition;
    }
  }

  /** The checker's findings. Anomalies: lost, duplicated, conflicting, nonMonotonic, unknownValues, unrecovered windows. */
  public record Report(int writes, int acknowledged, int unknown, int failed, int reads, int distinctRead,
      List<Write> lost, Map<String, Set<String>> duplicated, Map<String, Set<String>> conflicting,
      List<String> nonMonotonic, List<String> unknownValues, List<Window> windows, int unknownThenRead) {

    public boolean clean() {
      return lost.isEmpty() && duplicated.isEmpty() && conflicting.isEmpty() && nonMonotonic.isEmpty()
          && unknownValues.isEmpty() && windows.stream().allMatch(w -> w.writableAgainMs() >= 0);
    }

    /** A summary with up to {@code examples} entries of each anomaly. */
    public String describe(int examples) {
      StringBuilder out = new StringBuilder();
      out.append(String.format("writes %d: %d acknowledged, %d unknown (%d of them read), %d failed; reads %d (%d distinct values)%n",
          writes, acknowledged, unknown, unknownThenRead, failed, reads, distinctRead));
      out.append(String.format("lost %d, duplicated %d, offsets with two values %d, non-monotonic %d, values never written %d%n",
          lost.size(), duplicated.size(), conflicting.size(), nonMonotonic.size(), unknownValues.size()));
      lost.stream().limit(examples).forEach(w -> out.append("  lost: ").append(w).append('\n'));
      duplicated.entrySet().stream().limit(examples).forEach(e -> out.append("  duplicate: ").append(e).append('\n'));
      conflicting.entrySet().stream().limit(examples).forEach(e -> out.append("  two values: ").append(e).append('\n'));
      nonMonotonic.stream().limit(examples).forEach(s -> out.append("  non-monotonic: ").append(s).append('\n'));
      unknownValues.stream().limit(examples).forEach(s -> out.append("  never written: ").append(s).append('\n'));
      windows.forEach(w -> out.append("  ").append(w).append('\n'));
      return out.toString();
    }
  }

  /** Checks {@code writes} and {@code reads} (each consumer's in its read order) for the {@code faults} over {@code partitions}. */
  public static Report check(Collection<Write> writes, List<Read> reads, List<Fault> faults, int partitions) {
    Map<String, Write> written = new HashMap<>();
    for (Write w : writes) {
      if (written.put(w.value(), w) != null) {
        throw new IllegalArgumentException("value written twice by the producers: " + w.value() + " (values must be unique)");
      }
    }
    // Where each value was seen (partition-offset), and what each partition-offset was seen to hold.
    Map<String, Set<String>> positionsOfValue = new TreeMap<>();
    Map<String, Set<String>> valuesAtPosition = new TreeMap<>();
    for (Write w : writes) {
      // Offset -1: acknowledged as already stored (DUPLICATE_SEQUENCE_NUMBER), its offset not told.
      if (w.outcome() == Outcome.ACKED && w.offset() >= 0) {
        positionsOfValue.computeIfAbsent(w.value(), v -> new TreeSet<>()).add(position(w.partition(), w.offset()));
        valuesAtPosition.computeIfAbsent(position(w.partition(), w.offset()), p -> new TreeSet<>()).add(w.value());
      }
    }
    Set<String> readValues = new TreeSet<>();
    List<String> nonMonotonic = new ArrayList<>();
    List<String> unknownValues = new ArrayList<>();
    Map<String, Long> lastOffset = new HashMap<>();
    for (Read r : reads) {
      readValues.add(r.value());
      String at = position(r.partition(), r.offset());
      positionsOfValue.computeIfAbsent(r.value(), v -> new TreeSet<>()).add(at);
      valuesAtPosition.computeIfAbsent(at, p -> new TreeSet<>()).add(r.value());
      Write w = written.get(r.value());
      if (w == null) {
        unknownValues.add(r.consumer() + " read " + r.value() + " at " + at);
      } else if (w.partition() != r.partition()) {
        unknownValues.add(r.consumer() + " read " + r.value() + " at " + at + ", written to partition " + w.partition());
      }
      Long previous = lastOffset.put(r.consumer() + "/" + r.partition(), r.offset());
      if (previous != null && r.offset() <= previous) {
        nonMonotonic.add(r.consumer() + " read offset " + r.offset() + " of partition " + r.partition() + " after offset " + previous
            + " (value " + r.value() + ")");
      }
    }
    Map<String, Set<String>> duplicated = new LinkedHashMap<>();
    positionsOfValue.forEach((v, at) -> {
      if (at.size() > 1) {
        duplicated.put(v, at);
      }
    });
    Map<String, Set<String>> conflicting = new LinkedHashMap<>();
    valuesAtPosition.forEach((at, vs) -> {
      if (vs.size() > 1) {
        conflicting.put(at, vs);
      }
    });
    List<Write> lost = new ArrayList<>();
    int acked = 0;
    int unknown = 0;
    int failed = 0;
    int unknownThenRead = 0;
    for (Write w : writes) {
      switch (w.outcome()) {
        case ACKED -> {
          acked++;
          if (!readValues.contains(w.value())) {
            lost.add(w);
          }
        }
        case UNKNOWN -> {
          unknown++;
          unknownThenRead += readValues.contains(w.value()) ? 1 : 0;
        }
        case FAILED -> failed++;
      }
    }
    List<Window> windows = new ArrayList<>();
    long historyEnd = writes.stream().mapToLong(Write::doneAt).max().orElse(0);
    for (int i = 0; i < faults.size(); i++) {
      long periodEnd = i + 1 < faults.size() ? faults.get(i + 1).at() : historyEnd;
      windows.add(window(faults.get(i), periodEnd, writes, partitions));
    }
    return new Report(writes.size(), acked, unknown, failed, reads.size(), readValues.size(), lost, duplicated, conflicting,
        nonMonotonic, unknownValues, windows, unknownThenRead);
  }

  private static Window window(Fault f, long periodEnd, Collection<Write> writes, int partitions) {
    long[] firstAck = new long[partitions];
    java.util.Arrays.fill(firstAck, Long.MAX_VALUE);
    List<List<Long>> acks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      acks.add(new ArrayList<>());
    }
    for (Write w : writes) {
      if (w.outcome() == Outcome.ACKED && w.partition() < partitions) {
        acks.get(w.partition()).add(w.doneAt());
        if (w.sentAt() >= f.at()) {
          firstAck[w.partition()] = Math.min(firstAck[w.partition()], w.doneAt());
        }
      }
    }
    List<Integer> unrecovered = new ArrayList<>();
    List<Long> byPartition = new ArrayList<>();
    List<Long> gaps = new ArrayList<>();
    List<Long> gapStarts = new ArrayList<>();
    long latest = f.at();
    long longest = 0;
    for (int p = 0; p < partitions; p++) {
      if (firstAck[p] == Long.MAX_VALUE) {
        unrecovered.add(p);
        byPartition.add(-1L);
      } else {
        latest = Math.max(latest, firstAck[p]);
        byPartition.add(firstAck[p] - f.at());
      }
      long[] gap = longestGap(acks.get(p), f.at(), periodEnd);
      gaps.add(gap[0]);
      gapStarts.add(gap[1]);
      longest = Math.max(longest, gap[0]);
    }
    return new Window(f, longest, unrecovered.isEmpty() ? latest - f.at() : -1, unrecovered, byPartition, gaps, gapStarts);
  }

  /**
   * The longest stretch without an acknowledgement within {@code [from, to)}, clipped to it, as
   * {length, start}; a stretch after a partition's last acknowledgement ends at {@code to}.
   */
  private static long[] longestGap(List<Long> ackTimes, long from, long to) {
    long[] times = java.util.stream.Stream.concat(ackTimes.stream(), java.util.stream.Stream.of(to))
        .mapToLong(Long::longValue).sorted().toArray();
    long[] longest = {0, from};
    long start = from;
    for (long t : times) {
      long end = Math.min(t, to);
      if (end > start) {
        if (end - start > longest[0]) {
          longest = new long[] {end - start, start};
        }
        start = end;
      }
      if (start >= to) {
        break;
      }
    }
    return longest;
  }

  private static String position(int partition, long offset) {
    return partition + "@" + offset;
  }
}
