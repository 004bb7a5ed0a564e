package io.courant.log;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Node-wide settings of the partition logs, read once from {@code courant.log}.
 *
 * @param groupCommitMaxBytes the largest journal event built from appends gathered while a write
 *     was in flight
 * @param maxPendingBytes appends waiting for the journal beyond this are refused (retriable)
 * @param tailCacheBytes recent events kept in memory per partition for hot reads
 * @param snapshotEvery journal events between snapshots
 * @param maxFetchWait the longest long-poll a fetch may ask for
 * @param startTimeout how long a partition may take to find its topic and recover
 * @param readJournal the Pekko Persistence Query plugin that reads old events back
 * @param readAheadBytes how far past a fetch a journal read goes (kept for the next fetches)
 * @param retentionCheckInterval how often a partition applies {@code retention.ms} and {@code
 *     retention.bytes} (Kafka's {@code log.retention.check.interval.ms})
 */
public record LogSettings(
    int groupCommitMaxBytes,
    long maxPendingBytes,
    long tailCacheBytes,
    int snapshotEvery,
    Duration maxFetchWait,
    Duration startTimeout,
    String readJournal,
    long readAheadBytes,
    Duration retentionCheckInterval) {

  public LogSettings {
    positive("group-commit-max-bytes", groupCommitMaxBytes);
    positive("max-pending-bytes", maxPendingBytes);
    positive("snapshot-every", snapshotEvery);
    positive("read-ahead-bytes", readAheadBytes);
    if (tailCacheBytes < 0) {
      throw new IllegalArgumentException("courant.log.tail-cache-bytes must be >= 0, not " + tailCacheBytes);
    }
    for (var d : java.util.Map.of("max-fetch-wait", maxFetchWait, "start-timeout", startTimeout,
        "retention-check-interval", retentionCheckInterval).entrySet()) {
      if (d.getValue().isNegative() || d.getValue().isZero()) {
        throw new IllegalArgumentException("courant.log." + d.getKey() + " must be a positive duration, not " + d.getValue());
      }
    }
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("courant.log." + key + " must be positive, not " + value);
    }
  }

  public static LogSettings create(Config courantLog) {
    return new LogSettings(
        (int) courantLog.getBytes("group-commit-max-bytes").longValue(),
        courantLog.getBytes("max-pending-bytes"),
        courantLog.getBytes("tail-cache-bytes"),
        courantLog.getInt("snapshot-every"),
        courantLog.getDuration("max-fetch-wait"),
        courantLog.getDuration("start-timeout"),
        courantLog.getString("read-journal"),
        courantLog.getBytes("read-ahead-bytes"),
        courantLog.getDuration("retention-check-interval"));
  }
}
