package io.courant.http.internal;

import io.courant.http.HttpSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** The v3 admin API under {@code /v3/clusters/{cluster_id}}. */
public final class AdminRoutes extends RouteSupport {
  public AdminRoutes(ActorSystem<?> system, HttpSettings settings, ProduceHandler produce) {
    super(system, settings, Responses.JSON);
  }

  public Route routes() {
    return reject();
  }
}
