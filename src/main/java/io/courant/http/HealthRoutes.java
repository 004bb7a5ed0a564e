package io.courant.http;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.cassandra.healthcheck.CassandraHealthCheck;
import scala.jdk.javaapi.FutureConverters;

/**
 * {@code GET /healthy} (the node's process is up) and {@code GET /ready} (it is an Up member of
 * the cluster and its Cassandra answers: it can take requests).
 */
public final class HealthRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final CassandraHealthCheck cassandra;

  public HealthRoutes(ActorSystem<?> system) {
    this.system = system;
    this.cassandra = new CassandraHealthCheck(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
  }

  public Route routes() {
    return concat(
        path("healthy", () -> get(() -> complete(json(StatusCodes.OK, "{\"status\":\"healthy\"}")))),
        path("ready", () -> get(() -> onSuccess(ready(), ok -> complete(ok
            ? json(StatusCodes.OK, "{\"status\":\"ready\"}")
            : json(StatusCodes.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\"}"))))));
  }

  private static HttpResponse json(StatusCode status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  private CompletionStage<Boolean> ready() {
    if (!joined()) {
      return java.util.concurrent.CompletableFuture.completedFuture(false);
    }
    return cassandraReachable();
  }

  /** Whether this node is an Up member of its cluster. */
  public boolean joined() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  /** Whether the journal's Cassandra answers a health query within 2 s. */
  public CompletionStage<Boolean> cassandraReachable() {
    return FutureConverters.asJava(cassandra.apply()).thenApply(b -> (Boolean) b)
        .toCompletableFuture().completeOnTimeout(false, Duration.ofSeconds(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(t -> false);
  }
}
