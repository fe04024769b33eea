package io.rebound.cli;

import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.config.EnvOverrides;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the node and the token commands take their configuration from: {@code --config FILE}, else the file named by
 * {@code REBOUND_CONFIG}, else the embedded development default; in every case with the {@code REBOUND_<KEY>}
 * overrides of the environment on top (see {@link io.rebound.config.EnvOverrides}).
 *
 * @param file the config file, or null for the embedded default
 * @param env the environment
 */
public record ConfigSource(Path file, Map<String, String> env) {

  /** The source for a {@code --config} flag value ({@code null} when the flag is absent). */
  public static ConfigSource of(String configFlag, Map<String, String> env) {
    String file = configFlag != null ? configFlag : env.get(EnvOverrides.CONFIG_FILE_VARIABLE);
    return new ConfigSource(file == null || file.isEmpty() ? null : Path.of(file), env);
  }

  /** The validated configuration; throws {@link io.rebound.config.ConfigException} naming the key at fault. */
  public BrokerConfig load() {
    return file == null ? ConfigLoader.embeddedDefault(env) : ConfigLoader.load(file, env);
  }

  public boolean embeddedDefault() {
    return file == null;
  }

  /** The overriding variables present in the environment (throws for an unknown {@code REBOUND_*} variable). */
  public List<String> overrides() {
    return ConfigLoader.overrides(env).variables();
  }

  /** "config.json" or "the embedded development default", plus the overriding variables: for messages. */
  String describe() {
    String base = file == null ? "the embedded development default" : file.toString();
    List<String> vars = ConfigLoader.overrides(env).variables();
    return vars.isEmpty() ? base : base + " with " + String.join(", ", vars);
  }
}
