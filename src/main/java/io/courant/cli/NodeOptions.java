package io.courant.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every client command shares: which node to talk to and how to print the result. */
final class NodeOptions {
  @Option(names = {"--server", "--bootstrap-server"}, paramLabel = "HOST[:PORT]",
      defaultValue = "${env:COURANT_SERVER:-127.0.0.1:8080}",
      description = "The node's HTTP address (courant.http.port; default ${DEFAULT-VALUE}, or $COURANT_SERVER).")
  String server;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json.")
  OutputFormat output;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "PT30S", converter = DurationConverter.class,
      description = "How long to wait for each answer of the node (e.g. 30s, 2m; default 30s).")
  Duration requestTimeout;

  private NodeClient client;

  NodeClient client() {
    if (client == null) {
      client = NodeClient.of(server, requestTimeout);
    }
    return client;
  }

  boolean json() {
    return output == OutputFormat.json;
  }

  /** Prints a JSON result, indented. */
  static void printJson(PrintWriter out, JsonNode node) {
    try {
      out.println(NodeClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
