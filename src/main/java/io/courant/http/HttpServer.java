package io.courant.http;

import io.courant.http.internal.ApiRoutes;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's HTTP server: the bridge API (Strimzi Kafka Bridge / Confluent REST Proxy v2: topics,
 * produce, consumer instances), the v3 admin API, {@code /healthy}, {@code /ready}, {@code
 * /metrics} (Prometheus) and {@code /openapi}. docs/http.md lists every endpoint.
 *
 * <pre>{@code
 * ServerBinding binding = HttpServer.start(system, HttpSettings.create(config.getConfig("courant.http")))
 *     .toCompletableFuture().join();
 * }</pre>
 */
public final class HttpServer {
  private HttpServer() {}

  /**
   * Starts consumer-instance sharding on this node and binds the server to {@code settings}'
   * interface and port.
   *
   * @return the binding, once the port is bound
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, HttpSettings settings) {
    return Http.get(system).newServerAt(settings.iface(), settings.port()).bind(routes(system, settings));
  }

  /** All routes of the API (for embedding them in another server). */
  public static Route routes(ActorSystem<?> system, HttpSettings settings) {
    return new ApiRoutes(system, settings).routes();
  }
}
