package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * The CLI's connection to a node: its HTTP API (bridge v2 and v3 admin, docs/http.md) through the
 * JDK's HTTP client, so a command starts no actor system. Every failure becomes a {@link
 * CliException} with the exit code of its kind: the node's error status (404 not found, 409
 * conflict, 400/413/415/422 invalid) or the connection's.
 */
final class NodeClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String V2 = "application/vnd.kafka.v2+json";
  static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
  private static final String APPLICATION_JSON = "application/json";
  private static final int DEFAULT_PORT = 8080;

  private final URI base;
  private final Duration requestTimeout;
  private final HttpClient http;
  private String clusterId;

  private NodeClient(URI base, Duration requestTimeout) {
    this.base = base;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * A client of the node at {@code server}: {@code host}, {@code host:port} (8080 when absent) or
   * an {@code http://} URL.
   */
  static NodeClient of(String server, Duration requestTimeout) {
    String s = server.trim();
    String url = s.contains("://") ? s : "http://" + s;
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException(s, "not host[:port] or an http:// URL");
      }
      int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
      return new NodeClient(new URI("http", null, uri.getHost(), port, null, null, null), requestTimeout);
    } catch (URISyntaxException e) {
      throw new CliException(ExitCode.USAGE, "--server '" + server + "' is not host[:port] or an http://host:port URL");
    }
  }

  URI base() {
    return base;
  }

  /** A path segment, percent-encoded (group ids may hold any character). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The path of a v3 admin resource of this node's cluster ({@code /v3/clusters/{id}} + path). */
  String v3(String path) {
    if (clusterId == null) {
      clusterId = get("/v3/clusters").path("data").path(0).path("cluster_id").asText(null);
      if (clusterId == null) {
        throw new CliException(ExitCode.SERVER_ERROR, base + " answered /v3/clusters without a cluster: is it a Courant node?");
      }
    }
    return "/v3/clusters/" + segment(clusterId) + path;
  }

  JsonNode get(String path) {
    return send(request(path).GET(), path);
  }

  /** GET with an {@code Accept} header (a consumer instance's records). */
  JsonNode get(String path, String accept, Duration timeout) {
    return send(request(path).timeout(timeout).header("Accept", accept).GET(), path);
  }

  JsonNode post(String path, JsonNode body) {
    return post(path, path.startsWith("/v3/") ? APPLICATION_JSON : V2, body);
  }

  JsonNode post(String path, String contentType, JsonNode body) {
    return send(request(path).header("Content-Type", contentType).POST(publisher(body)), path);
  }

  JsonNode patch(String path, JsonNode body) {
    return send(request(path).header("Content-Type", APPLICATION_JSON).method("PATCH", publisher(body)), path);
  }

  JsonNode delete(String path) {
    return send(request(path).DELETE(), path);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
  }

  private static HttpRequest.BodyPublisher publisher(JsonNode body) {
    return body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString());
  }

  /** The answer's JSON body (an empty object for 204), or the failure as a {@link CliException}. */
  private JsonNode send(HttpRequest.Builder request, String path) {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("the connection timed out");
    } catch (HttpTimeoutException e) {
      throw new CliException(ExitCode.SERVER_ERROR, "the node at " + base + " did not answer " + path + " in time");
    } catch (ConnectException | UnresolvedAddressException e) {
      throw unreachable(e.getMessage() == null ? "connection refused" : e.getMessage());
    } catch (IOException e) {
      throw unreachable("no HTTP answer: " + e.getMessage() + "; is this the node's HTTP port (8080 by default), not its Kafka port?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.SERVER_ERROR, "interrupted while waiting for " + base);
    }
    JsonNode body = parse(response.body(), path);
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return body;
    }
    String message = body.path("message").asText(response.body());
    throw new CliException(exitCodeOf(status), message.isBlank() ? "the node answered " + status + " to " + path : message);
  }

  private JsonNode parse(String text, String path) {
    if (text == null || text.isBlank()) {
      return object();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new CliException(ExitCode.SERVER_ERROR, base + " answered " + path + " with something that is not JSON: is it a Courant node's "
          + "HTTP port (courant.http.port, 8080 by default)?");
    }
  }

  private CliException unreachable(String why) {
    return new CliException(ExitCode.UNREACHABLE, "cannot reach a Courant node at " + base + " (" + why + "); start one with "
        + "`bin/courant start`, or name it with --server host:port or COURANT_SERVER");
  }

  /** The exit code of an HTTP error status of the API (docs/http.md, "Errors"). */
  static int exitCodeOf(int status) {
    return switch (status) {
      case 404 -> ExitCode.NOT_FOUND;
      case 409 -> ExitCode.CONFLICT;
      case 400, 413, 415, 422 -> ExitCode.USAGE;
      default -> ExitCode.SERVER_ERROR;
    };
  }
}
