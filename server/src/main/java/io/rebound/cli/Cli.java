package io.rebound.cli;

import io.rebound.config.EnvOverrides;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of {@code java -jar rebound.jar <command> …} and their dispatch: {@code genconfig}, {@code checkconfig},
 * {@code gentoken}, {@code gensubtoken}, {@code checktoken}, {@code version}, {@code help} (also {@code --help},
 * {@code -h}, {@code --version}). Running a node is not a command: {@code Main} does it for the flags of
 * {@link ServeArguments}.
 */
public final class Cli {

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : List.of(new GenConfig(), new CheckConfig(), new GenToken(), new GenSubToken(), new CheckToken(), new VersionCommand())) {
      COMMANDS.put(c.name(), c);
    }
  }

  private Cli() {}

  /** Whether {@code args} select a command (as opposed to the node's own flags). */
  public static boolean isCommand(String[] args) {
    if (args.length == 0) return false;
    String first = args[0];
    return !first.startsWith("-") || List.of("-h", "--help", "--version").contains(first);
  }

  /** Runs the command {@code args} select and returns its exit status (0 done, 1 refused or invalid, 2 bad usage). */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    String name = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (List.of("help", "-h", "--help").contains(name)) {
      if (rest.isEmpty()) {
        out.print(usage());
        return Command.OK;
      }
      Command c = COMMANDS.get(rest.get(0));
      if (c == null) return unknown(rest.get(0), err);
      out.println("usage: java -jar rebound.jar " + c.name() + " " + c.synopsis());
      out.println("  " + c.summary());
      return Command.OK;
    }
    Command command = COMMANDS.get(name.equals("--version") ? "version" : name);
    if (command == null) return unknown(name, err);
    try {
      return command.run(new Invocation(rest, out, err, env, clock));
    } catch (UsageException e) {
      err.println("rebound " + command.name() + ": " + e.getMessage());
      err.println("usage: java -jar rebound.jar " + command.name() + " " + command.synopsis());
      return Command.USAGE;
    }
  }

  private static int unknown(String name, PrintStream err) {
    err.println("rebound: unknown command '" + name + "' (" + String.join(", ", COMMANDS.keySet()) + ", help)");
    return Command.USAGE;
  }

  /** The text of {@code --help}. */
  public static String usage() {
    StringBuilder b = new StringBuilder();
    b.append("usage: java -jar rebound.jar [--config FILE] [--port N]    run a node\n");
    b.append("       java -jar rebound.jar <command> [options]\n\n");
    b.append("Running a node: the config is --config FILE, else the file in $REBOUND_CONFIG, else the embedded development\n");
    b.append("default; REBOUND_<KEY> environment variables override its keys, and --port overrides everything.\n\n");
    b.append("commands:\n");
    for (Command c : COMMANDS.values()) {
      b.append(String.format("  %-13s %s%n  %13s %s%n", c.name(), c.synopsis(), "", c.summary()));
    }
    b.append(String.format("  %-13s %s%n  %13s %s%n", "help", "[COMMAND]", "", "this text, or one command's usage"));
    b.append("\nToken commands sign and verify with token_hmac_secret_key of --config FILE (else $REBOUND_CONFIG, else the\n");
    b.append("embedded default), with " + EnvOverrides.PREFIX + "* overrides. Exit status: 0 done, 1 refused or invalid, 2 bad usage.\n");
    b.append("Deprecated: --gentoken USER (= gentoken --user USER --ttl 24h).\n");
    return b.toString();
  }
}
