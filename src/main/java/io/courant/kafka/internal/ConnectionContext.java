package io.courant.kafka.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** What the requests of one connection share. */
final class ConnectionContext {
  private final String remoteHost;
  private CompletableFuture<?> lastProduce = CompletableFuture.completedFuture(null);

  ConnectionContext(String remoteHost) {
    this.remoteHost = remoteHost;
  }

  /** The client's address, for DescribeGroups. */
  String remoteHost() {
    return remoteHost;
  }

  /**
   * Runs {@code dispatch} once the previous produce request of this connection has handed its
   * batches to the partitions (not once they are written): a producer's pipelined requests reach
   * each partition in the order sent, so their sequence numbers arrive in order. {@code dispatch}
   * completes when it has handed its batches over, with the stage of its response. (Requests are
   * started one at a time, in order, by the connection's stream, so this needs no lock.)
   */
  <T> CompletionStage<T> inProduceOrder(Supplier<CompletionStage<CompletionStage<T>>> dispatch) {
    CompletableFuture<CompletionStage<T>> dispatched =
        lastProduce.handle((v, e) -> null).thenCompose(v -> dispatch.get()).toCompletableFuture();
    lastProduce = dispatched;
    return dispatched.thenCompose(response -> response);
  }
}
