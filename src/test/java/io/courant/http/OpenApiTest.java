package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /openapi describes every endpoint: each documented operation is served by a route (this
 * test), and each route a test calls is documented ({@link HttpNode}'s check after every HTTP test
 * class, on the latency metric's labels).
 */
class OpenApiTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();

  @Test
  void servesAnOpenApiDocumentWhoseOperationsAllHaveResponses() {
    var response = node.get("/openapi");
    assertEquals(200, response.status());
    assertTrue(response.contentType().startsWith("application/json"));
    JsonNode doc = response.json();
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    assertTrue(doc.get("paths").size() > 30, "paths: " + doc.get("paths").size());
    for (Operation op : operations(doc)) {
      assertTrue(op.spec().has("responses") && op.spec().get("responses").size() > 0, op + " has responses");
      assertTrue(op.spec().has("summary"), op + " has a summary");
      for (String param : op.path().split("/")) {
        if (param.startsWith("{")) {
          String name = param.substring(1, param.indexOf('}'));
          assertTrue(op.spec().toString().contains("\"name\":\"" + name + "\""), op + " declares its parameter " + name);
        }
      }
    }
  }

  @Test
  void everyDocumentedOperationIsServedByARoute() {
    List<String> unrouted = new ArrayList<>();
    java.util.regex.Matcher asset = java.util.regex.Pattern.compile("/ui/assets/([^\"]+)").matcher(node.get("/ui").body());
    assertTrue(asset.find(), "the console's page names its assets");
    for (Operation op : operations(node.get("/openapi").json())) {
      String path = op.path().replace("{cluster_id}", "courant").replace("{file}", asset.group(1))
          .replaceAll("\\{partition[a-z_]*\\}", "0").replace("{broker_id}", "0")
          .replaceAll("\\{[a-z_]+\\}", "openapi-probe");
      HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path)).header("Content-Type", HttpNode.V2)
          .method(op.method(), op.method().equals("GET") || op.method().equals("DELETE")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
      var response = node.send(request);
      boolean routerMiss = response.status() == 405
          || (response.status() == 404 && response.body().contains("The requested resource could not be found"));
      if (routerMiss) {
        unrouted.add(op + " -> " + response);
      }
    }
    assertTrue(unrouted.isEmpty(), "documented but not served: " + unrouted);
  }

  @Test
  void aPathNoRouteServesIsNotTakenForADocumentedOne() {
    var response = node.get("/v3/clusters/courant/no-such-resource");
    assertEquals(404, response.status());
    assertTrue(response.body().contains("The requested resource could not be found"), response.body());
    assertFalse(node.get("/metrics").body().contains("route=\"undocumented\""));
  }

  record Operation(String method, String path, JsonNode spec) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static List<Operation> operations(JsonNode doc) {
    List<Operation> out = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m ->
        out.add(new Operation(m.getKey().toUpperCase(Locale.ROOT), p.getKey(), m.getValue()))));
    return out;
  }
}
