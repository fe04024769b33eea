package io.rebound.cli;

import io.rebound.core.Version;
import java.util.Set;

/** {@code version}: the server version (as clients see it in the connect reply) and the Java runtime. */
final class VersionCommand implements Command {

  @Override
  public String name() {
    return "version";
  }

  @Override
  public String synopsis() {
    return "";
  }

  @Override
  public String summary() {
    return "print the version";
  }

  @Override
  public int run(Invocation in) {
    Args.parse(in.args(), Set.of()).positional(0);
    in.out().println(Version.SERVER + " (Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
    return OK;
  }
}
