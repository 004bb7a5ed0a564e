package io.courant.stream.internal;

import io.courant.stream.Consumer;
import io.courant.stream.ConsumerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;

/** The materialized control of a source: the loop exists once the stage has started. */
public final class ConsumerControl implements Consumer.Control {
  private final CompletableFuture<ConsumerLoop> loop = new CompletableFuture<>();
  private volatile LongSupplier buffered = () -> 0;

  void started(ConsumerLoop started, LongSupplier bufferedRecords) {
    this.buffered = bufferedRecords;
    loop.complete(started);
  }

  @Override
  public CompletionStage<Done> stop() {
    return loop.thenCompose(ConsumerLoop::stop);
  }

  @Override
  public CompletionStage<Done> shutdown() {
    return loop.thenCompose(ConsumerLoop::shutdown);
  }

  @Override
  public CompletionStage<Done> isShutdown() {
    return loop.thenCompose(ConsumerLoop::whenShutDown);
  }

  @Override
  public ConsumerMetrics metrics() {
    ConsumerLoop l = loop.getNow(null);
    return l == null ? new ConsumerMetrics(0, 0, 0) : new ConsumerMetrics(l.polls(), l.recordsPolled(), buffered.getAsLong());
  }
}
