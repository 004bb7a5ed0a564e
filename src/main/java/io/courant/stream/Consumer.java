package io.courant.stream;

import io.courant.client.TopicPartition;
import io.courant.stream.ConsumerMessage.CommittableMessage;
import io.courant.stream.ConsumerMessage.CommittableOffset;
import io.courant.stream.ConsumerMessage.GroupTopicPartition;
import io.courant.stream.ConsumerMessage.PartitionOffset;
import io.courant.stream.internal.ConsumerSourceStage;
import io.courant.stream.internal.OffsetCommitter;
import io.courant.stream.internal.PartitionedSourceStage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceWithContext;

/**
 * Consumer sources, with Pekko Connectors Kafka's names and shapes, reading Courant in process.
 *
 * <pre>{@code
 * ConsumerSettings<String, String> settings =
 *     ConsumerSettings.create(system, new StringDeserializer(), new StringDeserializer()).withGroupId("billing");
 * Consumer.DrainingControl<Done> control =
 *     Consumer.committableSource(settings, Subscriptions.topics("orders"))
 *         .mapAsync(1, msg -> handle(msg.record()).thenApply(done -> msg.committableOffset()))
 *         .toMat(Committer.sink(CommitterSettings.create(system)), Consumer::createDrainingControl)
 *         .run(system);
 * // later: commits what was processed, then leaves the group
 * control.drainAndShutdown(system.executionContext());
 * }</pre>
 *
 * <p>Each materialization runs its own {@link io.courant.client.CourantConsumer}; its blocking
 * polls run on {@code courant.consumer.use-dispatcher}. Backpressure: a source polls only while it
 * holds fewer than {@code max.poll.records} records not yet emitted (per partition, for the
 * partitioned source), so a slow stream leaves the records in the log. The source fails with the
 * consumer's error ({@link io.courant.client.CourantException}: {@link
 * io.courant.client.OffsetOutOfRangeException} with {@code auto.offset.reset=none}, {@link
 * io.courant.client.InvalidGroupIdException}, ...); retriable errors of a fetch (a partition moving,
 * Cassandra briefly unavailable) are retried by the consumer, as Kafka's consumer does. Deserializer
 * errors fail the stream with {@link io.courant.stream.serialization.SerializationException}.
 *
 * @see Producer
 * @see Committer
 * @see Subscriptions
 */
public final class Consumer {
  private Consumer() {}

  /**
   * Controls a running source: the materialized value of every source here.
   */
  public interface Control {
    /**
     * Stops emitting and completes the source; the consumer stays in the group so that offsets of
     * records already emitted can still be committed, until {@link #shutdown()} or {@code
     * courant.consumer.stop-timeout}.
     */
    CompletionStage<Done> stop();

    /** Stops emitting, waits for commits in flight, and closes the consumer (it leaves the group). */
    CompletionStage<Done> shutdown();

    /** Completes once the consumer is closed (after {@link #shutdown()}, a failure or a cancel). */
    CompletionStage<Done> isShutdown();

    /** The source's counters now. */
    ConsumerMetrics metrics();

    /**
     * Stops the source, waits for the stream to complete (so that its last offsets are committed),
     * then shuts the consumer down.
     *
     * @param streamCompletion completes when the stream is done (the sink's materialized value)
     * @param executor runs the continuations (the system's dispatcher)
     * @return the stream's result, or its failure, once the consumer is closed
     */
    default <S> CompletionStage<S> drainAndShutdown(CompletionStage<S> streamCompletion, Executor executor) {
      return stop().thenComposeAsync(stopped -> streamCompletion, executor)
          .handleAsync((result, failure) -> shutdown().thenCompose(done -> failure == null
              ? CompletableFuture.completedFuture(result)
              : CompletableFuture.<S>failedFuture(failure)), executor)
          .thenCompose(s -> s);
    }
  }

  /**
   * A {@link Control} together with the stream's completion, as {@code toMat(sink,
   * Consumer::createDrainingControl)} builds it.
   *
   * @param <T> the stream's result type
   */
  public static final class DrainingControl<T> implements Control {
    private final Control control;
    private final CompletionStage<T> streamCompletion;

    private DrainingControl(Control control, CompletionStage<T> streamCompletion) {
      this.control = control;
      this.streamCompletion = streamCompletion;
    }

    /** Stops the source, waits for the stream (its last commits), then shuts the consumer down. */
    public CompletionStage<T> drainAndShutdown(Executor executor) {
      return control.drainAndShutdown(streamCompletion, executor);
    }

    /** The stream's completion. */
    public CompletionStage<T> streamCompletion() {
      return streamCompletion;
    }

    @Override
    public CompletionStage<Done> stop() {
      return control.stop();
    }

    @Override
    public CompletionStage<Done> shutdown() {
      return control.shutdown();
    }

    @Override
    public CompletionStage<Done> isShutdown() {
      return control.isShutdown();
    }

    @Override
    public ConsumerMetrics metrics() {
      return control.metrics();
    }
  }

  /** Combines a source's control and a sink's completion (use as {@code toMat(sink, Consumer::createDrainingControl)}). */
  public static <T> DrainingControl<T> createDrainingControl(Control control, CompletionStage<T> streamCompletion) {
    return new DrainingControl<>(control, streamCompletion);
  }

  /** Combines a source's control and a sink's completion (use with {@code Keep.both()}). */
  public static <T> DrainingControl<T> createDrainingControl(Pair<Control, CompletionStage<T>> pair) {
    return new DrainingControl<>(pair.first(), pair.second());
  }

  /**
   * Records, without commits by the stream: offsets are committed by {@code enable.auto.commit}
   * (if the settings turn it on and name a group) or not at all.
   *
   * <pre>{@code
   * Consumer.plainSource(settings, Subscriptions.assignment(new TopicPartition("orders", 0)))
   *     .runForeach(r -> System.out.println(r.offset() + ": " + r.value()), system);
   * }</pre>
   *
   * @throws IllegalArgumentException if an {@link Subscription.AutoSubscription} is used without a {@code group.id}
   */
  public static <K, V> Source<ConsumerRecord<K, V>, Control> plainSource(ConsumerSettings<K, V> settings, Subscription subscription) {
    requireGroupFor(settings, subscription);
    return Source.fromGraph(new ConsumerSourceStage<>(settings, subscription, false, (r, c) -> record(settings, r)));
  }

  /**
   * Records with their offsets, to commit after processing (at-least-once: after a failure or
   * restart, reading resumes at the last committed offset). Auto-commit is always off here.
   *
   * @throws IllegalArgumentException if the settings have no {@code group.id}
   * @see Committer#sink
   */
  public static <K, V> Source<CommittableMessage<K, V>, Control> committableSource(ConsumerSettings<K, V> settings,
      Subscription subscription) {
    requireGroup(settings, "committableSource");
    return Source.fromGraph(new ConsumerSourceStage<>(settings, subscription, true, committable(settings)));
  }

  /**
   * One sub-source per assigned partition, emitted when the group assigns it and completed when it
   * is revoked (or lost); each sub-source has its own buffer, so a slow partition does not hold up
   * the others. Run the sub-sources with {@code flatMapMerge(maxPartitions, Pair::second)} or
   * {@code mapAsyncUnordered(maxPartitions, pair -> pair.second().via(...).runWith(...))}.
   *
   * <pre>{@code
   * Consumer.committablePartitionedSource(settings, Subscriptions.topics("orders"))
   *     .flatMapMerge(16, pair -> pair.second().mapAsync(1, msg -> handle(msg).thenApply(d -> msg.committableOffset())))
   *     .toMat(Committer.sink(committerSettings), Consumer::createDrainingControl)
   *     .run(system);
   * }</pre>
   *
   * @throws IllegalArgumentException if the settings have no {@code group.id}
   */
  public static <K, V> Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, Control> committablePartitionedSource(
      ConsumerSettings<K, V> settings, Subscription.AutoSubscription subscription) {
    requireGroup(settings, "committablePartitionedSource");
    return Source.fromGraph(new PartitionedSourceStage<>(settings, subscription, committable(settings)));
  }

  /**
   * Records, each committed before it is emitted (at-most-once: a record whose processing fails is
   * not read again). Slow — one commit per record; prefer {@link #committableSource}.
   *
   * @throws IllegalArgumentException if the settings have no {@code group.id}
   */
  public static <K, V> Source<ConsumerRecord<K, V>, Control> atMostOnceSource(ConsumerSettings<K, V> settings,
      Subscription subscription) {
    return committableSource(settings, subscription)
        .mapAsync(1, msg -> msg.committableOffset().commit().thenApply(done -> msg.record()));
  }

  /**
   * Records with their offsets as the stream's context, for flows that keep the context ({@code
   * SourceWithContext}); end it with {@link Committer#sinkWithOffsetContext}.
   *
   * @throws IllegalArgumentException if the settings have no {@code group.id}
   */
  public static <K, V> SourceWithContext<ConsumerRecord<K, V>, CommittableOffset, Control> sourceWithOffsetContext(
      ConsumerSettings<K, V> settings, Subscription subscription) {
    return committableSource(settings, subscription)
        .asSourceWithContext(CommittableMessage::committableOffset)
        .map(CommittableMessage::record);
  }

  private static void requireGroup(ConsumerSettings<?, ?> settings, String source) {
    if (settings.groupId().isEmpty()) {
      throw new IllegalArgumentException(source + " commits offsets for a consumer group: set one with withGroupId(...)");
    }
  }

  private static void requireGroupFor(ConsumerSettings<?, ?> settings, Subscription subscription) {
    if (subscription instanceof Subscription.AutoSubscription) {
      requireGroup(settings, "a topic subscription");
    }
  }

  private static <K, V> ConsumerRecord<K, V> record(ConsumerSettings<K, V> settings, io.courant.client.ConsumerRecord r) {
    return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
        settings.keyDeserializer().deserialize(r.topic(), r.key()), settings.valueDeserializer().deserialize(r.topic(), r.value()),
        r.headers());
  }

  private static <K, V> BiFunction<io.courant.client.ConsumerRecord, OffsetCommitter, CommittableMessage<K, V>> committable(
      ConsumerSettings<K, V> settings) {
    String groupId = settings.groupId();
    return (r, committer) -> new CommittableMessage<>(record(settings, r), new ConsumerMessage.SourceOffset(
        new PartitionOffset(new GroupTopicPartition(groupId, r.topic(), r.partition()), r.offset()), committer));
  }
}
