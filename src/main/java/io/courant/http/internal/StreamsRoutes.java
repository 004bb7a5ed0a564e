package io.courant.http.internal;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.courant.http.HttpSettings;
import io.courant.stream.dsl.internal.StoreQueryRegistry;
import io.courant.stream.dsl.internal.StoreQueryRegistry.Kind;
import io.courant.stream.dsl.internal.StoreQueryRegistry.StoreAnswer;
import io.courant.stream.dsl.internal.StoreQueryRegistry.StoreQuery;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Interactive queries of Streams DSL applications over HTTP: {@code GET
 * /streams/{application_id}/stores}, {@code .../stores/{store}/keys[/{key}]} (key-value stores: a
 * key, or a key range with {@code from} / {@code to}) and {@code .../stores/{store}/keys/{key}/windows},
 * {@code .../stores/{store}/windows} (window stores, a time range with {@code from} / {@code to} in
 * epoch ms). Answered through the application's instance on this node, or forwarded to a node that
 * runs one ({@link StoreQueryRegistry}); {@code X-Courant-Answered-By} names the node that answered.
 */
public final class StreamsRoutes extends RouteSupport {
  /** The response header naming the node (actor system address) whose application instance answered. */
  public static final String ANSWERED_BY = "X-Courant-Answered-By";
  private final StoreQueryRegistry registry;

  public StreamsRoutes(ActorSystem<?> system, HttpSettings settings) {
    super(system, settings, Responses.JSON);
    this.registry = StoreQueryRegistry.get(system);
  }

  public Route routes() {
    return pathPrefix(segment("streams").slash(segment()).slash("stores"), app -> get(() -> concat(
        pathEnd(() -> respond(() -> ask(new StoreQuery(app, Kind.STORES, null, null, null, null, 0, 0)))),
        pathPrefix(segment(), store -> storeRoutes(app, store)))));
  }

  private Route storeRoutes(String app, String store) {
    return concat(
        path("keys", () -> parameterOptional("from", from -> parameterOptional("to", to -> respond(() ->
            ask(new StoreQuery(app, Kind.RANGE, store, null, from.orElse(null), to.orElse(null), 0, 0)))))),
        path(segment("keys").slash(segment()), key -> respond(() -> ask(new StoreQuery(app, Kind.GET, store, key, null, null, 0, 0)))),
        path(segment("keys").slash(segment()).slash("windows"), key -> times((from, to) -> respond(() ->
            ask(new StoreQuery(app, Kind.FETCH, store, key, null, null, from, to))))),
        path("windows", () -> times((from, to) -> respond(() ->
            ask(new StoreQuery(app, Kind.FETCH_ALL, store, null, null, null, from, to))))));
  }

  /** The {@code from} / {@code to} epoch-ms parameters of a window read (defaults: all time). */
  private Route times(java.util.function.BiFunction<Long, Long, Route> inner) {
    return parameterOptional("from", from -> parameterOptional("to", to -> inner.apply(millis("from", from, 0), millis("to", to, Long.MAX_VALUE))));
  }

  private static long millis(String name, Optional<String> value, long otherwise) {
    if (value.isEmpty()) {
      return otherwise;
    }
    try {
      return Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw ApiError.malformed("'" + name + "' is a time in epoch milliseconds, not '" + value.get() + "'");
    }
  }

  private CompletionStage<HttpResponse> ask(StoreQuery query) {
    return registry.query(query).thenApply(StreamsRoutes::response);
  }

  private static HttpResponse response(StoreAnswer a) {
    String body = a.errorCode() == 0 ? a.json()
        : "{\"error_code\":" + a.errorCode() + ",\"message\":" + a.json() + "}";
    HttpResponse r = HttpResponse.create().withStatus(a.status())
        .withEntity(HttpEntities.create(Responses.JSON, body.getBytes(StandardCharsets.UTF_8)));
    return a.answeredBy() == null ? r : r.addHeader(RawHeader.create(ANSWERED_BY, a.answeredBy()));
  }
}
