package io.rebound.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link BrokerConfig} from the flat Centrifugo-v5-style JSON file. Every failure is a
 * {@link ConfigException} naming the key at fault: unknown keys anywhere (so a typo cannot
 * silently disable recovery), wrong JSON types, malformed durations, invalid combinations.
 * Durations are strings such as {@code "250ms"}, {@code "600s"}, {@code "10m"}, {@code "1h30m"}
 * or whole numbers of seconds.
 */
public final class ConfigLoader {

  private static final Set<String> BROKER_KEYS = Set.of("port", "name", "token_hmac_secret_key",
      "api_key", "api_insecure", "engine", "history_engine", "namespaces");
  private static final Set<String> TOP_KEYS = union(BROKER_KEYS, ChannelOptions.KEYS,
      ClientOptions.KEYS, RedisOptions.KEYS, LimitOptions.KEYS, AdminOptions.KEYS, ClusterOptions.KEYS, HttpOptions.KEYS,
      TokenOptions.KEYS);
  private static final Set<String> NAMESPACE_KEYS = union(Set.of("name"), ChannelOptions.KEYS);

  // Duplicate keys are an error: with last-one-wins a second "force_recovery": false far down the
  // file would quietly undo the first.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ConfigLoader() {}

  /** The configuration in {@code file}. */
  public static BrokerConfig load(Path file) {
    return load(file, Map.of());
  }

  /** The configuration in {@code file} with the {@code REBOUND_*} overrides of {@code env} ({@link EnvOverrides}). */
  public static BrokerConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw ConfigException.located("", "cannot read config file " + file + ": " + e);
    }
    return parse(text, env);
  }

  /** The embedded default configuration ({@code rebound-default.json}) with the overrides of {@code env}. */
  public static BrokerConfig embeddedDefault(Map<String, String> env) {
    // Kept as a JSON resource so the embedded default reads like any other config file (and is one).
    try (var in = ConfigLoader.class.getResourceAsStream("/rebound-default.json")) {
      if (in == null) throw new IllegalStateException("rebound-default.json missing from the jar");
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The overrides {@code env} holds; throws a ConfigException naming an unknown {@code REBOUND_*} variable. */
  public static EnvOverrides overrides(Map<String, String> env) {
    return EnvOverrides.from(env, TOP_KEYS);
  }

  /** Whether {@code key} is a top-level config key. */
  public static boolean isTopLevelKey(String key) {
    return TOP_KEYS.contains(key);
  }

  /** Every top-level config key (each can also come from {@code REBOUND_<KEY>}). */
  public static Set<String> topLevelKeys() {
    return TOP_KEYS;
  }

  /** The configuration in {@code jsonText}. */
  public static BrokerConfig parse(String jsonText) {
    return parse(jsonText, Map.of());
  }

  /** The configuration in {@code jsonText} with the {@code REBOUND_*} overrides of {@code env} ({@link EnvOverrides}). */
  public static BrokerConfig parse(String jsonText, Map<String, String> env) {
    EnvOverrides overrides = overrides(env);
    JsonNode root = tree(jsonText);
    if (root.isObject()) overrides.applyTo((com.fasterxml.jackson.databind.node.ObjectNode) root);
    try {
      return read(root);
    } catch (ConfigException e) {
      throw overrides.attribute(e);
    }
  }

  private static JsonNode tree(String jsonText) {
    JsonNode root;
    try {
      root = JSON.readTree(jsonText);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ConfigException.located("", "malformed JSON" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) throw ConfigException.located("", "the config is empty");
    return root;
  }

  private static BrokerConfig read(JsonNode root) {
    JsonFields f = new JsonFields(root, "", TOP_KEYS);
    int port = f.integer("port", BrokerConfig.DEFAULT_PORT);
    String name = f.string("name", null);
    String secret = f.string("token_hmac_secret_key", "");
    String apiKey = f.string("api_key", "");
    boolean apiInsecure = f.bool("api_insecure", false);
    Engine engine = engine(f, "engine", Engine.MEMORY);
    Engine historyEngine = engine(f, "history_engine", engine);
    RedisOptions redis = RedisOptions.read(f);
    ChannelOptions defaults = ChannelOptions.read(f);
    ClientOptions client = ClientOptions.read(f);
    Map<String, ChannelOptions> namespaces = namespaces(f);
    LimitOptions limits = LimitOptions.read(f, client);
    AdminOptions admin = AdminOptions.read(f);
    ClusterOptions cluster = ClusterOptions.read(f);
    HttpOptions http = HttpOptions.read(f);
    TokenOptions tokens = TokenOptions.read(f);
    return f.build(() -> new BrokerConfig(port, name, secret, apiKey, apiInsecure, engine,
        historyEngine, redis, defaults, namespaces, client, limits, admin, cluster, http, tokens));
  }

  private static Engine engine(JsonFields f, String key, Engine def) {
    String text = f.string(key, null);
    if (text == null) return def;
    Engine e = Engine.parse(text);
    if (e == null) {
      throw ConfigException.located(f.pathOf(key), "\"" + text + "\" is not one of memory, hazelcast, redis");
    }
    return e;
  }

  private static Map<String, ChannelOptions> namespaces(JsonFields top) {
    JsonNode list = top.get("namespaces");
    Map<String, ChannelOptions> result = new LinkedHashMap<>();
    if (list == null) return result;
    if (!list.isArray()) throw top.wrongType("namespaces", "an array", list);
    for (int i = 0; i < list.size(); i++) {
      String path = "namespaces[" + i + "]";
      JsonFields f = new JsonFields(list.get(i), path, NAMESPACE_KEYS);
      String name = f.string("name", null);
      if (name == null) throw ConfigException.located(f.pathOf("name"), "is required");
      if (!BrokerConfig.NAMESPACE_NAME.matcher(name).matches()) {
        throw ConfigException.located(f.pathOf("name"),
            "\"" + name + "\" is not a valid namespace name (letters, digits, '-', '_', '.'; at least 2)");
      }
      if (result.containsKey(name)) {
        throw ConfigException.located(f.pathOf("name"), "duplicate namespace \"" + name + "\"");
      }
      result.put(name, ChannelOptions.read(f));
    }
    return result;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> s : sets) all.addAll(s);
    return Set.copyOf(all);
  }
}
