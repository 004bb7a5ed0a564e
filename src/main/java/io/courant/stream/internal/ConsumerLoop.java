package io.courant.stream.internal;

import io.courant.client.ConsumerRebalanceListener;
import io.courant.client.ConsumerRecord;
import io.courant.client.Courant;
import io.courant.client.CourantConsumer;
import io.courant.client.OffsetAndTimestamp;
import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import io.courant.stream.CommitTimeoutException;
import io.courant.stream.ConsumerSettings;
import io.courant.stream.ConsumerShutDownException;
import io.courant.stream.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.dispatch.MessageDispatcher;

/**
 * Runs one {@link CourantConsumer} for a source. Its poll blocks, so the loop runs in steps on the
 * blocking dispatcher ({@code courant.consumer.use-dispatcher}): a step serves queued commits and
 * stop requests, then polls once (at most {@code poll-timeout}, a long poll) if the source has room
 * for records, and gives the dispatcher thread back. With no room it does not poll (the records
 * stay in the log) except every {@code idle-poll-interval}, with all partitions paused, so that
 * rebalances complete. Steps never overlap; the consumer is only touched inside a step.
 */
public final class ConsumerLoop implements OffsetCommitter {

  /** Where the loop's records and events go; called inside steps. */
  public interface Routing {
    /** Whether the source wants records at all now. */
    boolean hasRoom();

    /** Whether the source wants records of this partition now. */
    boolean wants(TopicPartition tp);

    void deliver(List<ConsumerRecord> records);

    void assigned(Collection<TopicPartition> partitions);

    void revoked(Collection<TopicPartition> partitions);

    /** No more records (stop, shutdown, or failure with {@code cause}). */
    void finished(Throwable cause);
  }

  private final ActorSystem<?> system;
  private final ConsumerSettings<?, ?> settings;
  private final io.courant.client.ConsumerSettings clientSettings;
  private final Subscription subscription;
  private final Executor executor;
  private Routing routing;

  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ConcurrentLinkedQueue<PendingCommit> commits = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<Done>> commitsInFlight = new ArrayList<>();
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  private final CompletableFuture<Done> shutDown = new CompletableFuture<>();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong recordsPolled = new AtomicLong();
  private volatile boolean stopRequested;
  private volatile boolean shutdownRequested;
  private volatile boolean closed;

  private CourantConsumer consumer;
  private boolean finished;
  private long lastPollNanos;
  private Cancellable idleTimer;

  /**
   * @param forceManualCommit committable sources: {@code enable.auto.commit} off whatever the settings say
   */
  public ConsumerLoop(ActorSystem<?> system, ConsumerSettings<?, ?> settings, Subscription subscription, boolean forceManualCommit) {
    this.system = system;
    this.settings = settings;
    this.clientSettings = forceManualCommit ? settings.toClientSettings().with("enable.auto.commit", "false") : settings.toClientSettings();
    this.subscription = subscription;
    MessageDispatcher dispatcher = system.classicSystem().dispatchers().lookup(settings.dispatcher());
    this.executor = dispatcher;
  }

  /** Starts polling for {@code routing}. */
  public void start(Routing routing) {
    this.routing = routing;
    schedule();
  }

  /** The source has room again. */
  public void wakeup() {
    schedule();
  }

  /** Stops emitting; the consumer stays open for commits until {@link #shutdown} or {@code stop-timeout}. */
  public CompletionStage<Done> stop() {
    stopRequested = true;
    schedule();
    return stopped;
  }

  /** Stops emitting, waits for commits in flight, closes the consumer (leaving the group). */
  public CompletionStage<Done> shutdown() {
    shutdownRequested = true;
    schedule();
    return shutDown;
  }

  public CompletionStage<Done> whenShutDown() {
    return shutDown;
  }

  /** Whether {@link #stop} or {@link #shutdown} was called. */
  public boolean stopRequested() {
    return stopRequested || shutdownRequested;
  }

  public long polls() {
    return polls.get();
  }

  public long recordsPolled() {
    return recordsPolled.get();
  }

  @Override
  public CompletionStage<Done> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (closed || shutdownRequested) {
      return CompletableFuture.failedFuture(shutDownError(offsets));
    }
    PendingCommit pending = new PendingCommit(offsets, new CompletableFuture<>());
    Cancellable timeout = system.scheduler().scheduleOnce(settings.commitTimeout(), () -> pending.result().completeExceptionally(
        new CommitTimeoutException("the commit of " + offsets + " for group '" + clientSettings.groupId() + "' was not confirmed within "
            + settings.commitTimeout().toMillis() + " ms")), system.executionContext());
    pending.result().whenComplete((ok, failure) -> timeout.cancel());
    commits.add(pending);
    schedule();
    return pending.result();
  }

  private ConsumerShutDownException shutDownError(Map<TopicPartition, OffsetAndMetadata> offsets) {
    return new ConsumerShutDownException("the consumer of group '" + clientSettings.groupId() + "' is shut down; " + offsets
        + " not committed (they are read again from the last committed offset)");
  }

  private void schedule() {
    if (!closed && scheduled.compareAndSet(false, true)) {
      executor.execute(this::step);
    }
  }

  private void step() {
    try {
      if (consumer == null) {
        open();
      }
      serveCommits();
      if (shutdownRequested) {
        close(null);
        return;
      }
      if (stopRequested && !finished) {
        finish(null);
        system.scheduler().scheduleOnce(settings.stopTimeout(), this::shutdown, system.executionContext());
      }
      boolean want = !finished && routing.hasRoom();
      boolean idleDue = System.nanoTime() - lastPollNanos >= settings.idlePollInterval().toNanos();
      if (want || idleDue) {
        poll(want);
      }
    } catch (Throwable t) {
      close(t);
    } finally {
      scheduled.set(false);
      if (!closed) {
        if (!commits.isEmpty() || shutdownRequested || (stopRequested && !finished) || (!finished && routing.hasRoom())) {
          schedule();
        } else {
          armIdleTimer();
        }
      }
    }
  }

  private void poll(boolean want) {
    Set<TopicPartition> pause = new HashSet<>();
    Set<TopicPartition> resume = new HashSet<>();
    Set<TopicPartition> paused = consumer.paused();
    for (TopicPartition tp : consumer.assignment()) {
      boolean wanted = want && routing.wants(tp);
      if (!wanted && !paused.contains(tp)) {
        pause.add(tp);
      } else if (wanted && paused.contains(tp)) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    List<ConsumerRecord> records = consumer.poll(want ? settings.pollTimeout() : Duration.ZERO);
    lastPollNanos = System.nanoTime();
    polls.incrementAndGet();
    if (!records.isEmpty()) {
      recordsPolled.addAndGet(records.size());
      routing.deliver(records); // even for a paused stage: a rebalance inside poll may have fetched them
    }
  }

  private void armIdleTimer() {
    Cancellable previous = idleTimer;
    if (previous != null) {
      previous.cancel();
    }
    idleTimer = system.scheduler().scheduleOnce(settings.idlePollInterval(), this::schedule, system.executionContext());
  }

  private void open() {
    consumer = new CourantConsumer(system, clientSettings);
    lastPollNanos = System.nanoTime();
    ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        routing.revoked(partitions);
        tell(new Subscription.TopicPartitionsRevoked(subscription, Set.copyOf(partitions)));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        routing.assigned(partitions);
        tell(new Subscription.TopicPartitionsAssigned(subscription, Set.copyOf(partitions)));
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        routing.revoked(partitions);
        tell(new Subscription.TopicPartitionsLost(subscription, Set.copyOf(partitions)));
      }
    };
    if (subscription instanceof Subscription.Topics t) {
      consumer.subscribe(t.topics(), listener);
    } else if (subscription instanceof Subscription.TopicPattern p) {
      consumer.subscribe(Pattern.compile(p.pattern()), listener);
    } else if (subscription instanceof Subscription.Assignment a) {
      assign(a.partitions(), listener);
    } else if (subscription instanceof Subscription.AssignmentWithOffset a) {
      assign(a.offsets().keySet(), listener);
      a.offsets().forEach(consumer::seek);
    } else if (subscription instanceof Subscription.AssignmentOffsetsForTimes a) {
      assign(a.timestamps().keySet(), listener);
      Courant courant = Courant.get(system);
      a.timestamps().forEach((tp, timestamp) -> {
        Optional<OffsetAndTimestamp> found = await(courant.offsetForTimestamp(tp, timestamp));
        if (found.isPresent()) {
          consumer.seek(tp, found.get().offset());
        } else {
          consumer.seekToEnd(List.of(tp));
        }
      });
    }
  }

  private void assign(Set<TopicPartition> partitions, ConsumerRebalanceListener listener) {
    consumer.assign(partitions);
    listener.onPartitionsAssigned(partitions);
  }

  private void tell(Subscription.RebalanceEvent event) {
    Set<TopicPartition> partitions = event instanceof Subscription.TopicPartitionsAssigned a ? a.partitions()
        : event instanceof Subscription.TopicPartitionsRevoked r ? r.partitions()
        : ((Subscription.TopicPartitionsLost) event).partitions();
    if (subscription.rebalanceListener() != null && !partitions.isEmpty()) {
      subscription.rebalanceListener().tell(event);
    }
  }

  private void serveCommits() {
    commitsInFlight.removeIf(CompletableFuture::isDone);
    PendingCommit pending;
    while ((pending = commits.poll()) != null) {
      if (pending.result().isDone()) {
        continue; // timed out while queued
      }
      CompletableFuture<Done> result = pending.result();
      try {
        consumer.commitAsync(pending.offsets(), (offsets, failure) -> {
          if (failure == null) {
            result.complete(Done.getInstance());
          } else {
            result.completeExceptionally(failure);
          }
        });
        commitsInFlight.add(result);
      } catch (RuntimeException refused) {
        result.completeExceptionally(refused);
      }
    }
  }

  /** Closes the consumer after the commits in flight are answered; a failure fails the source. */
  private void close(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    if (idleTimer != null) {
      idleTimer.cancel();
    }
    finish(cause);
    try {
      if (consumer != null) {
        serveCommits();
        try {
          CompletableFuture.allOf(commitsInFlight.toArray(CompletableFuture[]::new))
              .get(settings.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // each commit's own stage reports its failure
        }
        consumer.close();
      }
    } catch (RuntimeException e) {
      system.log().warn("Closing the consumer of group '{}' failed: {}", clientSettings.groupId(), e.toString());
    } finally {
      PendingCommit pending;
      while ((pending = commits.poll()) != null) {
        pending.result().completeExceptionally(shutDownError(pending.offsets()));
      }
      stopped.complete(Done.getInstance());
      shutDown.complete(Done.getInstance());
    }
  }

  private void finish(Throwable cause) {
    if (!finished) {
      finished = true;
      routing.finished(cause);
    }
    stopped.complete(Done.getInstance());
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private record PendingCommit(Map<TopicPartition, OffsetAndMetadata> offsets, CompletableFuture<Done> result) {}
}
