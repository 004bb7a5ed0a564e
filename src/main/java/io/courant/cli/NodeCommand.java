package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a node: its options ({@link NodeOptions}), its client, and where it prints. */
abstract class NodeCommand implements Callable<Integer> {
  @Mixin
  NodeOptions node;
  @Spec
  CommandSpec spec;

  NodeClient client() {
    return node.client();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the result as asked: the JSON, or the table. */
  int print(JsonNode json, Table table) {
    if (node.json()) {
      NodeOptions.printJson(out(), json);
    } else {
      table.print(out());
    }
    return ExitCode.OK;
  }

  /** Prints the result as asked: the JSON, or a line of text. */
  int print(JsonNode json, String text) {
    if (node.json()) {
      NodeOptions.printJson(out(), json);
    } else {
      out().println(text);
      out().flush();
    }
    return ExitCode.OK;
  }
}
