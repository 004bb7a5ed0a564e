package io.courant.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.courant.client.Courant;
import io.courant.testing.NodeExtension;
import io.courant.testing.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test node ({@link NodeExtension}) with the HTTP API bound to a free port on 127.0.0.1, and a
 * real HTTP client (java.net.http) to call it:
 * {@code @RegisterExtension static final HttpNode node = new HttpNode();}
 */
public final class HttpNode implements BeforeAllCallback, AfterAllCallback {
  public static final String V2 = "application/vnd.kafka.v2+json";
  public static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  public static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
  public static final String TEXT_V2 = "application/vnd.kafka.text.v2+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final NodeExtension node;
  private final Config overrides;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ServerBinding binding;

  public HttpNode() {
    this(ConfigFactory.empty());
  }

  /** A node with these settings over the defaults. */
  public HttpNode(Config overrides) {
    this.overrides = overrides;
    this.node = new NodeExtension(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node.beforeAll(context);
    Config http = overrides.withFallback(ConfigFactory.parseString("courant.http { interface = \"127.0.0.1\", port = 0 }"))
        .withFallback(node.system().settings().config()).getConfig("courant.http");
    binding = TestNode.await(HttpServer.start(node.system(), HttpSettings.create(http)));
  }

  /**
   * Checks, after the class's tests, that every request a route took matched an operation of the
   * OpenAPI document (the latency metric labels the others "undocumented"): each route a test calls
   * is documented.
   */
  @Override
  public void afterAll(ExtensionContext context) {
    try {
      List<String> undocumented = get("/metrics").body().lines()
          .filter(l -> l.startsWith("courant_http_request_duration_seconds_count") && l.contains("route=\"undocumented\""))
          .toList();
      if (!undocumented.isEmpty()) {
        throw new AssertionError("requests served by routes the OpenAPI document does not describe: " + undocumented);
      }
    } finally {
      afterAllUnbind(context);
    }
  }

  private void afterAllUnbind(ExtensionContext context) {
    try {
      TestNode.await(binding.unbind());
    } finally {
      node.afterAll(context);
    }
  }

  public Courant courant() {
    return node.courant();
  }

  public ActorSystem<Void> system() {
    return node.system();
  }

  public String topicWithRecords(String prefix, int partitions, int records) {
    return node.topicWithRecords(prefix, partitions, records);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** GET with an Accept header. */
  public Response get(String path, String accept) {
    return send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET());
  }

  public Response post(String path, String contentType, String body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  /** Any request (method and body as built). */
  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP response: status, content type and body. */
  public record Response(int status, String contentType, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    /** The error body's code (fails the test if the body is not the API's error shape). */
    public int errorCode() {
      JsonNode j = json();
      if (!j.has("error_code") || !j.has("message")) {
        throw new AssertionError("not an error body: " + body);
      }
      return j.get("error_code").asInt();
    }

    @Override
    public String toString() {
      return status + " " + contentType + " " + body;
    }
  }
}
