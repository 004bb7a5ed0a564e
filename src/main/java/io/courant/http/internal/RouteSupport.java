package io.courant.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.http.HttpSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * What every route class shares: handlers are plain functions from a request to a future response,
 * and any failure, thrown or in the future, becomes the error body through {@link Responses}.
 */
public abstract class RouteSupport extends AllDirectives {
  protected final ActorSystem<?> system;
  protected final HttpSettings settings;
  /** The system's dispatcher: async callbacks never fall back to the JDK common pool. */
  protected final Executor executor;
  private final Materializer materializer;
  private final ContentType errorType;

  protected RouteSupport(ActorSystem<?> system, HttpSettings settings, ContentType errorType) {
    this.system = system;
    this.settings = settings;
    this.executor = system.executionContext();
    this.materializer = Materializer.matFromSystem(system);
    this.errorType = errorType;
  }

  /** Completes with the handler's response, or the error response of its failure. */
  protected Route respond(Supplier<CompletionStage<HttpResponse>> handler) {
    return completeWithFuture(guard(handler));
  }

  /** Reads the whole body (up to {@code courant.http.max-request-bytes}) as JSON, then answers. */
  protected Route withBody(Function<JsonNode, CompletionStage<HttpResponse>> handler) {
    return withRequestBody((request, body) -> handler.apply(body));
  }

  /** As {@link #withBody}, when the handler also needs the request (its content type). */
  protected Route withRequestBody(BiFunction<HttpRequest, JsonNode, CompletionStage<HttpResponse>> handler) {
    return extractRequest(request -> completeWithFuture(guard(() -> request.entity()
        .withSizeLimit(settings.maxRequestBytes())
        .toStrict(settings.requestBodyTimeout().toMillis(), materializer)
        .thenCompose(strict -> handler.apply(request, Json.parse(strict.getData().toArray()))))));
  }

  private CompletionStage<HttpResponse> guard(Supplier<CompletionStage<HttpResponse>> handler) {
    CompletionStage<HttpResponse> response;
    try {
      response = handler.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Responses.error(e, errorType));
    }
    return response.exceptionally(t -> Responses.error(t, errorType));
  }

  /** A completed response. */
  protected static CompletionStage<HttpResponse> now(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
