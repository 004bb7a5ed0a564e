package io.courant.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Diagnostic: raw CQL inserts of journal-sized rows into a table shaped like the journal's, with a
 * fixed number in flight, to separate Cassandra's cost from Courant's. Args: host port rowBytes
 * inFlight seconds.
 */
public final class CqlBaseline {
  public static void main(String[] args) throws Exception {
    double mbPerSecond = run(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        Integer.parseInt(args[4]));
    System.out.printf("%.1f MB/s%n", mbPerSecond);
  }

  /** Inserts rows for {@code seconds}; returns MB/s. */
  public static double run(String host, int port, int rowBytes, int inFlight, int seconds) throws InterruptedException {
    try (CqlSession s = CqlSession.builder().addContactPoint(new InetSocketAddress(host, port)).withLocalDatacenter("datacenter1").build()) {
      s.execute("CREATE KEYSPACE IF NOT EXISTS baseline WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      s.execute("CREATE TABLE IF NOT EXISTS baseline.rows (pid text, pnr bigint, seq bigint, data blob, PRIMARY KEY ((pid, pnr), seq))");
      PreparedStatement insert = s.prepare("INSERT INTO baseline.rows (pid, pnr, seq, data) VALUES (?, ?, ?, ?)");
      ByteBuffer data = ByteBuffer.wrap(new byte[rowBytes]);
      AtomicLong rows = new AtomicLong();
      AtomicLong latencyNanos = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      CountDownLatch done = new CountDownLatch(inFlight);
      for (int w = 0; w < inFlight; w++) {
        String pid = "p" + w;
        long[] seq = {0};
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
          if (System.nanoTime() > end) {
            done.countDown();
            return;
          }
          long start = System.nanoTime();
          long n = seq[0]++;
          s.executeAsync(insert.bind(pid, n / 100, n, data.duplicate())).whenComplete((r, e) -> {
            if (e != null) {
              e.printStackTrace();
            }
            latencyNanos.addAndGet(System.nanoTime() - start);
            rows.incrementAndGet();
            loop[0].run();
          });
        };
        loop[0].run();
      }
      done.await();
      System.out.printf("raw CQL: %d-byte rows, %d in flight: %.0f rows/s, %.1f MB/s, mean latency %.2f ms%n", rowBytes, inFlight,
          rows.get() / (double) seconds, rows.get() * (double) rowBytes / seconds / 1e6, latencyNanos.get() / 1e6 / rows.get());
      s.execute("DROP KEYSPACE baseline");
      return rows.get() * (double) rowBytes / seconds / 1e6;
    }
  }
}
