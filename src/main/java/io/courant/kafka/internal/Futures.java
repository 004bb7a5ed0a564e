package io.courant.kafka.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The answers of a request's entries, asked for at once and gathered in order. */
final class Futures {
  private Futures() {}

  /** Completes with every stage's value, in order, once all are complete (fails if one fails). */
  static <T> CompletionStage<List<T>> all(List<? extends CompletionStage<T>> stages) {
    List<CompletableFuture<T>> futures = new ArrayList<>(stages.size());
    stages.forEach(s -> futures.add(s.toCompletableFuture()));
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }
}
