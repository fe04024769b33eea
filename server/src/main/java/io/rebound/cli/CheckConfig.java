package io.rebound.cli;

import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import java.util.Set;

/**
 * {@code checkconfig [FILE]}: the node's startup validation without starting a node — the file (else
 * {@code REBOUND_CONFIG}) with the {@code REBOUND_*} overrides of the environment, every error naming the key or the
 * variable at fault. Exit 0 and a one-line summary when valid, 1 and the error when not.
 */
final class CheckConfig implements Command {

  @Override
  public String name() {
    return "checkconfig";
  }

  @Override
  public String synopsis() {
    return "FILE";
  }

  @Override
  public String summary() {
    return "validate FILE (with REBOUND_* overrides) exactly as a node does at startup, without starting one";
  }

  @Override
  public int run(Invocation in) {
    Args args = Args.parse(in.args(), Set.of());
    ConfigSource source = ConfigSource.of(args.positional(1).isEmpty() ? null : args.positional(1).get(0), in.env());
    if (source.embeddedDefault()) throw new UsageException("checkconfig needs a FILE (or REBOUND_CONFIG)");
    BrokerConfig c;
    try {
      c = source.load();
    } catch (ConfigException e) {
      in.err().println(source.file() + " is invalid: " + e.getMessage());
      return REFUSED;
    }
    in.out().printf("%s is valid: engine %s, history %s, port %d, %d namespace%s%s%n", source.describe(),
        c.engine().jsonName(), c.historyEngine().jsonName(), c.port(), c.namespaces().size(),
        c.namespaces().size() == 1 ? "" : "s", c.namespaces().isEmpty() ? "" : " (" + String.join(", ", c.namespaces().keySet()) + ")");
    return OK;
  }
}
