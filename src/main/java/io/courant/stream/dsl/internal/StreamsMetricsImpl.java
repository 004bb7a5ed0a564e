package io.courant.stream.dsl.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a running topology, read by applications as a name → value map. */
public final class StreamsMetricsImpl {
  public static final String PROCESS_TOTAL = "process-total";
  public static final String DROPPED_RECORDS_TOTAL = "dropped-records-total";
  public static final String LATE_RECORDS_DROPPED_TOTAL = "late-records-dropped-total";
  public static final String DUPLICATES_SKIPPED_TOTAL = "repartition-duplicates-skipped-total";

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  public void increment(String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    for (String n : new String[] {PROCESS_TOTAL, DROPPED_RECORDS_TOTAL, LATE_RECORDS_DROPPED_TOTAL, DUPLICATES_SKIPPED_TOTAL}) {
      out.put(n, 0L);
    }
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
