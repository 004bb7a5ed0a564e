package io.courant.stream;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Settings of {@link Committer}: a commit goes out once {@code maxBatch} offsets were gathered or
 * the first of them waited {@code maxInterval}; at most {@code parallelism} commits are in flight.
 * Defaults from {@code courant.committer}; immutable: each {@code withX} returns a copy.
 *
 * <pre>{@code
 * CommitterSettings.create(system).withMaxBatch(500).withMaxInterval(Duration.ofSeconds(1))
 * }</pre>
 *
 * @see Committer
 */
public final class CommitterSettings {
  private final int maxBatch;
  private final Duration maxInterval;
  private final int parallelism;

  private CommitterSettings(int maxBatch, Duration maxInterval, int parallelism) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("max-batch must be >= 1, not " + maxBatch);
    }
    if (maxInterval.isNegative() || maxInterval.isZero()) {
      throw new IllegalArgumentException("max-interval must be a positive duration, not " + maxInterval);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, not " + parallelism);
    }
    this.maxBatch = maxBatch;
    this.maxInterval = maxInterval;
    this.parallelism = parallelism;
  }

  /** Defaults from the system's {@code courant.committer}. */
  public static CommitterSettings create(ClassicActorSystemProvider system) {
    return create(system.classicSystem().settings().config().getConfig("courant.committer"));
  }

  /** Settings from a {@code courant.committer}-shaped config. */
  public static CommitterSettings create(Config courantCommitter) {
    return new CommitterSettings(courantCommitter.getInt("max-batch"), courantCommitter.getDuration("max-interval"),
        courantCommitter.getInt("parallelism"));
  }

  /** A copy that commits once this many offsets were gathered. */
  public CommitterSettings withMaxBatch(int offsets) {
    return new CommitterSettings(offsets, maxInterval, parallelism);
  }

  /** A copy that commits once the first gathered offset waited this long. */
  public CommitterSettings withMaxInterval(Duration interval) {
    return new CommitterSettings(maxBatch, interval, parallelism);
  }

  /** A copy with this many commits in flight at most. */
  public CommitterSettings withParallelism(int commits) {
    return new CommitterSettings(maxBatch, maxInterval, commits);
  }

  public int maxBatch() {
    return maxBatch;
  }

  public Duration maxInterval() {
    return maxInterval;
  }

  public int parallelism() {
    return parallelism;
  }

  @Override
  public String toString() {
    return "CommitterSettings(max-batch=" + maxBatch + ", max-interval=" + maxInterval + ", parallelism=" + parallelism + ")";
  }
}
