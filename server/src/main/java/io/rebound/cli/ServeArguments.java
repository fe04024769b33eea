package io.rebound.cli;

import io.rebound.config.BrokerConfig;
import java.util.List;
import java.util.Map;

/**
 * The flags of {@code java -jar rebound.jar [--config FILE] [--port N]}, which runs a node: the configuration comes
 * from {@link ConfigSource} (file, else {@code REBOUND_CONFIG}, else the embedded default, with {@code REBOUND_*}
 * overrides) and {@code --port} wins over all of them. {@code --gentoken USER} is kept as a deprecated spelling of
 * {@code gentoken --user USER --ttl 24h}.
 *
 * @param config the configuration source
 * @param port the {@code --port} value, or null
 * @param tokenFor the deprecated {@code --gentoken} user, or null
 */
public record ServeArguments(ConfigSource config, Integer port, String tokenFor) {

  /** Parses the node's flags; throws {@link UsageException} (a RuntimeException) for anything else. */
  public static ServeArguments parse(List<String> args, Map<String, String> env) {
    String file = null;
    Integer port = null;
    String tokenFor = null;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (!List.of("--config", "--port", "--gentoken").contains(flag)) throw new UsageException("unknown argument " + flag);
      if (i + 1 >= args.size()) throw new UsageException(flag + " needs a value");
      String value = args.get(++i);
      switch (flag) {
        case "--config" -> file = value;
        case "--port" -> port = port(value);
        default -> tokenFor = value;
      }
    }
    return new ServeArguments(ConfigSource.of(file, env), port, tokenFor);
  }

  private static int port(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--port needs a number, got " + value);
    }
  }

  /**
   * The node's configuration: the source's, with {@code --port} applied last. Throws {@link
   * io.rebound.config.ConfigException} naming the key (or variable) at fault.
   */
  public BrokerConfig resolve() {
    BrokerConfig c = config.load();
    return port == null ? c : c.withPort(port);
  }

  /** Whether the node runs on the embedded development default (it then warns). */
  public boolean embeddedDefault() {
    return config.embeddedDefault();
  }

  /** The arguments of the {@code gentoken} command that {@code --gentoken USER} stands for. */
  public List<String> gentokenArguments() {
    List<String> args = new java.util.ArrayList<>(List.of("gentoken", "--user", tokenFor, "--ttl", "24h"));
    if (config.file() != null) args.addAll(List.of("--config", config.file().toString()));
    return args;
  }
}
