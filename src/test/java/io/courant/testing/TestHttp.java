package io.courant.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One HTTP call as the bridge tests make it: the media type is the Accept header of a GET, else the Content-Type. */
public final class TestHttp {
  private TestHttp() {}

  public static HttpResponse<String> send(HttpClient client, String url, String method, String type, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90));
    if (type != null) {
      b.header(method.equals("GET") ? "Accept" : "Content-Type", type);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
