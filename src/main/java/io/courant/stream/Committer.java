package io.courant.stream;

import io.courant.stream.ConsumerMessage.Committable;
import io.courant.stream.ConsumerMessage.CommittableOffsetBatch;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Commits offsets in batches: a commit goes out once {@code max-batch} offsets were gathered or the
 * first of them waited {@code max-interval} (and when the stream completes), with at most {@code
 * parallelism} commits in flight, completing in order. Per partition only the highest offset of a
 * batch is sent.
 *
 * <p>At-least-once: offsets gathered but not committed when the stream fails are dropped, so a
 * restarted source reads those records again; nothing is skipped. A failed commit fails the stream
 * with its error ({@link CommitTimeoutException}, {@link io.courant.client.IllegalGenerationException}
 * after a rebalance, {@link ConsumerShutDownException}).
 *
 * <pre>{@code
 * source.mapAsync(1, msg -> handle(msg).thenApply(done -> msg.committableOffset()))
 *     .toMat(Committer.sink(CommitterSettings.create(system)), Consumer::createDrainingControl)
 * }</pre>
 *
 * @see Consumer#committableSource
 */
public final class Committer {
  private Committer() {}

  /** Gathers offsets into batches (by count and interval) without committing them. */
  public static <C extends Committable> Flow<C, CommittableOffsetBatch, NotUsed> batchFlow(CommitterSettings settings) {
    return Flow.<C>create()
        .groupedWeightedWithin(settings.maxBatch(), Committable::batchSize, settings.maxInterval())
        .map(ConsumerMessage::createCommittableOffsetBatch);
  }

  /** Commits offsets in batches; emits one {@link Done} per committed batch. */
  public static <C extends Committable> Flow<C, Done, NotUsed> flow(CommitterSettings settings) {
    return Committer.<C>batchFlow(settings).mapAsync(settings.parallelism(), CommittableOffsetBatch::commit);
  }

  /** Commits offsets in batches; completes after the last commit once the stream completes. */
  public static <C extends Committable> Sink<C, CompletionStage<Done>> sink(CommitterSettings settings) {
    return Committer.<C>flow(settings).toMat(Sink.ignore(), Keep.right());
  }

  /** {@link #sink} for a {@link Consumer#sourceWithOffsetContext} stream: the context is committed. */
  public static <E, C extends Committable> Sink<Pair<E, C>, CompletionStage<Done>> sinkWithOffsetContext(CommitterSettings settings) {
    return Flow.<Pair<E, C>>create()
        .map(Pair::second)
        .toMat(Committer.<C>sink(settings), Keep.right());
  }
}
