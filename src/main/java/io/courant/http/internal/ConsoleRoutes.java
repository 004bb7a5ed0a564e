package io.courant.http.internal;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console at {@code /ui}: a single-page app (console/ in the source tree, built by Maven
 * with Vite into {@code io/courant/http/console} on the classpath) that uses the node's own API.
 */
public final class ConsoleRoutes extends AllDirectives {
  private static final String DIRECTORY = "io/courant/http/console";

  public Route routes() {
    return pathPrefix("ui", () -> get(() -> concat(
        pathEnd(() -> getFromResource(DIRECTORY + "/index.html")),
        pathSingleSlash(() -> getFromResource(DIRECTORY + "/index.html")),
        getFromResourceDirectory(DIRECTORY))));
  }
}
