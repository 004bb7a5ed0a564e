package io.courant.log.internal;

public final class WriteStats {
  public static void print() {
    long n = PartitionBehavior.WRITES.sumThenReset();
    long ns = PartitionBehavior.WRITE_NANOS.sumThenReset();
    long b = PartitionBehavior.WRITE_BYTES.sumThenReset();
    System.out.printf("writes %d, mean write %.2f ms, mean event %.1f KB%n", n, n == 0 ? 0 : ns / 1e6 / n, n == 0 ? 0 : b / 1024.0 / n);
  }
}
