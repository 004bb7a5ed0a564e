package io.courant.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/courant}'s client commands: {@code topics}, {@code produce}, {@code consume},
 * {@code groups} and {@code cluster}, run against a node's HTTP API ({@link NodeClient}). The
 * process starts no actor system; exit codes are {@link ExitCode}'s.
 */
@Command(name = "courant", mixinStandardHelpOptions = true, versionProvider = CourantCli.Version.class,
    description = "Drives a running Courant node from the command line (docs/cli.md).",
    subcommands = {TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class, GroupsCommand.class, ClusterCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  done", "  1  the node failed the request", "  2  bad option or argument (here or refused by the node)",
        "  3  topic, partition, group or node not found", "  4  conflict (the topic exists, the group has members)",
        "  5  no node answers at the address"})
public final class CourantCli implements Runnable {
  private final InputStream in;

  @Spec
  CommandSpec spec;

  CourantCli(InputStream in) {
    this.in = in;
  }

  /** Standard input, for {@code produce}. */
  InputStream in() {
    return in;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: topics, produce, consume, groups or cluster");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    System.exit(run(args, System.in, out, err));
  }

  /** Runs one command line; returns its exit code ({@link ExitCode}). */
  public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new CourantCli(in));
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, args2) -> {
      err.println("Error: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
      err.flush();
      return ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof CliException c) {
        err.println("Error: " + c.getMessage());
        err.flush();
        return c.exitCode();
      }
      err.println("Error: " + e);
      err.flush();
      return ExitCode.SERVER_ERROR;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A command with sub-commands and nothing to do by itself: says which ones there are. */
  abstract static class Group implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "Missing sub-command: " + String.join(", ", spec.subcommands().keySet()));
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CourantCli.class.getPackage().getImplementationVersion();
      return new String[] {"courant " + (v == null ? "0.1.0" : v)};
    }
  }
}
