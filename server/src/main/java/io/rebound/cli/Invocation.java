package io.rebound.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What a command runs with: its arguments (after the command name), where it writes, the environment it reads
 * {@code REBOUND_*} overrides from, and the clock token commands check expiry against.
 *
 * @param args the arguments after the command name
 * @param out results (a token, a config's summary): what a script captures
 * @param err explanations and errors
 * @param env environment variables
 * @param clock the current time
 */
record Invocation(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {

  Invocation {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }

  /** The current time in whole epoch seconds. */
  long nowSeconds() {
    return clock.millis() / 1000;
  }
}
