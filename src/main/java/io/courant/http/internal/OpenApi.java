package io.courant.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API's OpenAPI document ({@code io/courant/http/openapi.json} on the classpath), served at
 * {@code GET /openapi}. Its paths also name requests in {@code /metrics} (the path template, never
 * the raw path, so labels stay few); a request served outside them is labelled "undocumented".
 */
public final class OpenApi extends AllDirectives {
  public static final String RESOURCE = "/io/courant/http/openapi.json";
  /** The label of a request that matches no documented operation. */
  public static final String UNDOCUMENTED = "undocumented";

  /** One operation: a method and a path template. */
  public record Operation(String method, String template, Pattern pattern) {}

  private final byte[] document;
  private final List<Operation> operations;
  private final String version;

  private OpenApi(byte[] document, List<Operation> operations, String version) {
    this.document = document;
    this.operations = operations;
    this.version = version;
  }

  public static OpenApi load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      byte[] bytes = in.readAllBytes();
      JsonNode doc = Json.MAPPER.readTree(bytes);
      JsonNode paths = doc.path("paths");
      List<Operation> ops = new ArrayList<>();
      paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
        if (List.of("get", "post", "put", "patch", "delete").contains(method)) {
          ops.add(new Operation(method.toUpperCase(Locale.ROOT), p.getKey(), regex(p.getKey())));
        }
      }));
      return new OpenApi(bytes, List.copyOf(ops), doc.path("info").path("version").asText());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  private static Pattern regex(String template) {
    StringBuilder out = new StringBuilder("^");
    for (String part : template.split("(?=\\{)|(?<=\\})")) {
      out.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(out.append("/?$").toString());
  }

  public List<Operation> operations() {
    return operations;
  }

  /** The documented path template of a request, or {@link #UNDOCUMENTED}. */
  public String template(String method, String path) {
    for (Operation op : operations) {
      if (op.method().equals(method) && op.pattern().matcher(path).matches()) {
        return op.template();
      }
    }
    return UNDOCUMENTED;
  }

  /** {@code GET /openapi}, and {@code GET /} with the API's version, as the bridge answers it ({@code bridge_version}). */
  public Route routes() {
    return concat(
        path("openapi", () -> get(() -> complete(
            HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, document))))),
        pathSingleSlash(() -> get(() -> complete(Responses.ok(Json.object().put("bridge_version", "courant-" + version), Responses.JSON)))));
  }
}
