package io.courant.http.internal;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: Prometheus' text format. */
public final class MetricsRoutes extends AllDirectives {
  private final HttpMetrics metrics;

  public MetricsRoutes(ActorSystem<?> system, HttpMetrics metrics) {
    this.metrics = metrics;
  }

  public Route routes() {
    return reject();
  }
}
