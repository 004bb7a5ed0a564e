package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.Serde;

/**
 * What a table of windowed results knows about its windows: grace, whether window ends are
 * inclusive (sessions, sliding windows), and the inner key serde.
 */
public record WindowInfo(long graceMs, boolean inclusiveEnd, Serde<?> innerKeySerde) {
  /** True once no record can change the window any more. */
  public boolean closed(long windowEnd, long streamTime) {
    long closeTime = streamTime - graceMs;
    return inclusiveEnd ? windowEnd < closeTime : windowEnd <= closeTime;
  }
}
