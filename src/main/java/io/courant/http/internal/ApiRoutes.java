package io.courant.http.internal;

import io.courant.http.HealthRoutes;
import io.courant.http.HttpSettings;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every route of the node's HTTP API, behind one edge that turns unmatched requests and escaped
 * exceptions into the error body and times every request for {@code /metrics}.
 */
public final class ApiRoutes extends AllDirectives {
  /** The latency label of requests no route took (unknown path, method not allowed). */
  public static final String UNROUTED_LABEL = "unrouted";
  private static final String UNROUTED = "X-Courant-Unrouted";
  private final Route api;
  private final HttpMetrics metrics;
  private final OpenApi openApi;

  public ApiRoutes(ActorSystem<?> system, HttpSettings settings) {
    this.metrics = new HttpMetrics();
    this.openApi = OpenApi.load();
    ConsumerInstance.init(system, settings);
    ProduceHandler produce = new ProduceHandler(system, metrics);
    HealthRoutes health = new HealthRoutes(system);
    this.api = concat(
        health.routes(),
        new TopicRoutes(system, settings, produce).routes(),
        new ConsumerRoutes(system, settings, metrics).routes(),
        new AdminRoutes(system, settings).routes(),
        new MetricsRoutes(system, metrics, health).routes(),
        new StreamsRoutes(system, settings).routes(),
        openApi.routes(),
        new ConsoleRoutes().routes());
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
    boolean unrouted = response.getHeader(UNROUTED).isPresent();
    String method = request.method().value();
    metrics.request(method, unrouted ? UNROUTED_LABEL : openApi.template(method, request.getUri().path()), response.status().intValue(),
        System.nanoTime() - start);
    return unrouted ? response.removeHeader(UNROUTED) : response;
  }

  /**
   * Pekko's own refusals (no such path, wrong method, ...) with the API's error body, marked for
   * {@link #timed} as requests no route took.
   */
  private static HttpResponse asErrorBody(HttpResponse response) {
    response = response.addHeader(RawHeader.create(UNROUTED, "true"));
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
