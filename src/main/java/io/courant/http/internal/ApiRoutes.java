package io.courant.http.internal;

import io.courant.http.HealthRoutes;
import io.courant.http.HttpSettings;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every route of the node's HTTP API, behind one edge that turns unmatched requests and escaped
 * exceptions into the error body and times every request for {@code /metrics}.
 */
public final class ApiRoutes extends AllDirectives {
  private final Route api;
  private final HttpMetrics metrics;
  private final OpenApi openApi;

  public ApiRoutes(ActorSystem<?> system, HttpSettings settings) {
    this.metrics = new HttpMetrics();
    this.openApi = OpenApi.load();
    ConsumerInstance.init(system, settings);
    ProduceHandler produce = new ProduceHandler(system, metrics);
    this.api = concat(
        new HealthRoutes(system).routes(),
        new TopicRoutes(system, settings, produce).routes(),
        new ConsumerRoutes(system, settings, metrics).routes(),
        new AdminRoutes(system, settings).routes(),
        new MetricsRoutes(system, metrics).routes(),
        openApi.routes());
  }

  public Route routes() {
    RejectionHandler rejections = RejectionHandler.defaultHandler().mapRejectionResponse(ApiRoutes::asErrorBody);
    ExceptionHandler exceptions = ExceptionHandler.newBuilder().matchAny(t -> complete(Responses.error(t, Responses.V2))).build();
    return extractRequest(request -> {
      long start = System.nanoTime();
      return mapResponse(response -> timed(request, response, start),
          () -> handleExceptions(exceptions, () -> handleRejections(rejections, () -> api)));
    });
  }

  private HttpResponse timed(HttpRequest request, HttpResponse response, long start) {
    metrics.request(request.method().value(), openApi.template(request.method().value(), request.getUri().path()),
        response.status().intValue(), System.nanoTime() - start);
    return response;
  }

  /** Pekko's own refusals (no such path, wrong method, ...) with the API's error body. */
  private static HttpResponse asErrorBody(HttpResponse response) {
    if (!(response.entity() instanceof HttpEntity.Strict strict) || isJson(strict.getContentType())) {
      return response;
    }
    String message = strict.getData().decodeString(StandardCharsets.UTF_8);
    return response.withEntity(org.apache.pekko.http.javadsl.model.HttpEntities.create(Responses.V2,
        Json.bytes(Responses.errorBody(response.status().intValue(), message))));
  }

  private static boolean isJson(ContentType type) {
    return type.mediaType().subType().endsWith("json");
  }
}
