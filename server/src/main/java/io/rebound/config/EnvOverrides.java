package io.rebound.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Config keys from the environment: {@code REBOUND_<KEY>} (the key in upper case) replaces {@code <key>} of the config
 * file, or of the embedded default when there is no file. Lists and objects are JSON ({@code REBOUND_NAMESPACES=[…]},
 * which replaces the whole list); strings are taken as written; numbers, booleans and durations as in the file
 * ({@code 100}, {@code true}, {@code 600s}).
 *
 * <p>Precedence, highest first: the {@code --port} flag, the environment, the config file, the defaults.
 *
 * <p>A {@code REBOUND_*} variable that names no config key stops the node, naming the variable: a misspelt
 * {@code REBOUND_FORCE_RECOVERY} must not leave recovery silently off. The only other {@code REBOUND_*} variables
 * allowed are {@link #NOT_CONFIG}. Error messages name the variable and never repeat its value (it may be a secret).
 */
public final class EnvOverrides {

  /** The prefix of every variable read here. */
  public static final String PREFIX = "REBOUND_";

  /** The config file when {@code --config} is not given: the one {@code REBOUND_*} variable that is not a key. */
  public static final String CONFIG_FILE_VARIABLE = "REBOUND_CONFIG";

  /** {@code REBOUND_*} variables that are not config keys and are therefore not errors. */
  public static final Set<String> NOT_CONFIG = Set.of(CONFIG_FILE_VARIABLE);

  private final Map<String, EnvValue> values; // config key -> value, sorted for stable messages

  private EnvOverrides(Map<String, EnvValue> values) {
    this.values = values;
  }

  /** No overrides at all. */
  public static EnvOverrides none() {
    return new EnvOverrides(Map.of());
  }

  /**
   * The overrides in {@code env} for a config whose top-level keys are {@code keys}; throws a ConfigException naming
   * the first {@code REBOUND_*} variable that is neither a key nor in {@link #NOT_CONFIG}.
   */
  static EnvOverrides from(Map<String, String> env, Set<String> keys) {
    Map<String, EnvValue> values = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String variable = e.getKey();
      if (!variable.startsWith(PREFIX) || NOT_CONFIG.contains(variable)) continue;
      String key = variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
      if (keys.contains(key) && !variable.equals(variableOf(key))) {
        throw ConfigException.located("", variable + ": environment overrides are upper case: " + variableOf(key));
      }
      if (!keys.contains(key)) {
        throw ConfigException.located("", variable + ": unknown environment variable: no config key \"" + key + "\""
            + suggestion(key, keys) + " (REBOUND_* variables are config overrides; see README, Environment variables)");
      }
      values.put(key, new EnvValue(variable, e.getValue()));
    }
    return new EnvOverrides(values);
  }

  /** The variable that overrides {@code key}. */
  public static String variableOf(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT);
  }

  /** The variables that override something, in name order (for logs and {@code checkconfig}). */
  public List<String> variables() {
    return values.values().stream().map(EnvValue::variable).toList();
  }

  /** Replaces the overridden top-level members of {@code root}. */
  void applyTo(ObjectNode root) {
    values.forEach(root::set);
  }

  /**
   * {@code e} said again with the variable it is about, when the key at fault came from the environment (the message
   * of a key read from a variable would otherwise send the operator looking in a file that does not have it).
   */
  ConfigException attribute(ConfigException e) {
    String top = e.key().split("[.\\[]", 2)[0];
    EnvValue v = values.get(top);
    if (v == null || e.getMessage().startsWith(v.variable())) return e;
    return new ConfigException(e.key(), v.variable() + " (environment): " + e.getMessage());
  }

  private static String suggestion(String key, Set<String> keys) {
    List<String> near = new ArrayList<>();
    for (String k : keys) if (distance(k, key) <= 2) near.add(variableOf(k));
    near.sort(null);
    return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
  }

  /** Levenshtein distance: enough to catch a dropped, doubled or swapped letter. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
