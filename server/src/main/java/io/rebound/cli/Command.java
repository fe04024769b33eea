package io.rebound.cli;

/** One command of the command line ({@code java -jar rebound.jar <name> …}). */
interface Command {

  /** Exit status of a command that did what was asked. */
  int OK = 0;
  /** Exit status when the input is invalid or the command refused (bad config, bad token, file exists). */
  int REFUSED = 1;
  /** Exit status of a command line that cannot be understood. */
  int USAGE = 2;

  /** The word that selects the command. */
  String name();

  /** The command's arguments as shown in help ({@code --user U [--ttl 1h]}). */
  String synopsis();

  /** What the command does, in one line. */
  String summary();

  /** Runs the command; throws {@link UsageException} for arguments it cannot understand. */
  int run(Invocation in);
}
