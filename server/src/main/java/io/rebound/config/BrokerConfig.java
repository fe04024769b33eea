package io.rebound.config;

import io.rebound.auth.TokenSettings;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole configuration of one node, immutable and valid by construction: the constructor rejects
 * every combination that could not work, naming the JSON key at fault (see {@link ConfigLoader} for
 * the file format).
 *
 * @param port {@code port}: the one HTTP/WebSocket port, 1..65535
 * @param name {@code name}: this node's name in the cluster and in logs
 * @param tokenHmacSecretKey {@code token_hmac_secret_key}: HMAC secret for connection and
 *     subscription JWTs; may be empty when {@code tokens} has an asymmetric key or JWKS endpoint,
 *     or when anonymous connects without a token are allowed
 * @param apiKey {@code api_key}: the key the server API requires; empty only with {@code apiInsecure}
 * @param apiInsecure {@code api_insecure}: the server API accepts requests without a key
 * @param engine {@code engine}: where subscriptions, fan-out and presence are coordinated
 * @param historyEngine {@code history_engine}: where channel streams are kept; defaults to engine
 * @param redis the {@code redis_*} options, used when either engine is Redis
 * @param defaults the channel options given at top level, for channels without a namespace
 * @param namespaces {@code namespaces}: options by namespace name, in file order
 * @param client the {@code client_*} connection options
 * @param limits node-wide limits: history memory, publication size, batch length
 * @param admin the {@code admin*} options of the admin web page
 * @param cluster the {@code cluster_*} options: the cluster's name, secret and member address; the
 *     secret is always filled in (derived from the token secret and API key when not configured)
 * @param http the HTTP listener: {@code address}, the {@code http_*} timeouts and caps, {@code allowed_origins}
 * @param tokens the other {@code token_*} options and the separate subscription token configuration
 */
public record BrokerConfig(
    int port,
    String name,
    String tokenHmacSecretKey,
    String apiKey,
    boolean apiInsecure,
    Engine engine,
    Engine historyEngine,
    RedisOptions redis,
    ChannelOptions defaults,
    Map<String, ChannelOptions> namespaces,
    ClientOptions client,
    LimitOptions limits,
    AdminOptions admin,
    ClusterOptions cluster,
    HttpOptions http,
    TokenOptions tokens) {

  public static final int DEFAULT_PORT = 8000;
  /** The secret of {@link #defaultConfig()}; fine on a laptop, never in production. */
  public static final String DEV_SECRET = "rebound-dev-secret";
  /** The API key of {@link #defaultConfig()}; fine on a laptop, never in production. */
  public static final String DEV_API_KEY = "rebound-dev-api-key";

  /** Centrifugo's rule for namespace names. */
  public static final Pattern NAMESPACE_NAME = Pattern.compile("^[-a-zA-Z0-9_.]{2,}$");

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Fills defaults for null parts and validates; see the class contract. */
  public BrokerConfig {
    if (port < 1 || port > 65535) throw ConfigException.at("port", port + " is not in 1..65535");
    if (name == null || name.isEmpty()) name = randomName();
    tokenHmacSecretKey = tokenHmacSecretKey == null ? "" : tokenHmacSecretKey;
    apiKey = apiKey == null ? "" : apiKey;
    engine = engine == null ? Engine.MEMORY : engine;
    historyEngine = historyEngine == null ? engine : historyEngine;
    redis = redis == null ? RedisOptions.DEFAULTS : redis;
    defaults = defaults == null ? ChannelOptions.DEFAULTS : defaults;
    client = client == null ? ClientOptions.DEFAULTS : client;
    limits = limits == null ? LimitOptions.defaults(client) : limits;
    limits.checkAgainst(client);
    admin = admin == null ? AdminOptions.DISABLED : admin;
    cluster = (cluster == null ? ClusterOptions.DEFAULTS : cluster).withDerivedSecret(tokenHmacSecretKey, apiKey);
    if (engine == Engine.HAZELCAST && cluster.secret().isEmpty()) {
      throw ConfigException.at("cluster_secret", "is required for engine hazelcast when there is neither token_hmac_secret_key nor api_key to derive it from");
    }
    http = http == null ? HttpOptions.DEFAULTS : http;
    http.checkAgainst(client);
    tokens = tokens == null ? TokenOptions.DEFAULTS : tokens;
    namespaces = namespaces == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
    for (String ns : namespaces.keySet()) {
      if (!NAMESPACE_NAME.matcher(ns).matches()) {
        throw ConfigException.at("namespaces", "invalid namespace name \"" + ns + "\" (must match " + NAMESPACE_NAME + ")");
      }
    }
    checkHistoryEngine(engine, historyEngine);
    if (tokenHmacSecretKey.isEmpty() && !tokens.connection().hasAsymmetricKey() && !client.allowAnonymousConnectWithoutToken()) {
      throw ConfigException.at("token_hmac_secret_key", "is required (or set token_rsa_public_key, token_ecdsa_public_key, "
          + "token_jwks_public_endpoint, or allow_anonymous_connect_without_token: true)");
    }
    if (apiKey.isEmpty() && !apiInsecure) {
      throw new ConfigException("api_key", "api_key is required (or set api_insecure: true)");
    }
    if (admin.enabled() && !admin.secret().isEmpty() && admin.secret().equals(tokenHmacSecretKey)) {
      // An admin token would then also be a valid connection token (for user "admin"), and a leaked
      // connection-token secret would open the admin page.
      throw ConfigException.at("admin_secret", "must differ from token_hmac_secret_key");
    }
  }

  private static void checkHistoryEngine(Engine engine, Engine history) {
    // A node-local history behind a shared engine would give each node its own offsets for the
    // same channel, so recovery across nodes would be wrong rather than merely unavailable.
    if (history == Engine.MEMORY && engine != Engine.MEMORY) {
      throw ConfigException.at("history_engine", "memory history cannot be used with engine " + engine.jsonName());
    }
    if (history == Engine.HAZELCAST && engine != Engine.HAZELCAST) {
      throw ConfigException.at("history_engine", "hazelcast history requires engine hazelcast");
    }
    if (history == Engine.REDIS && engine == Engine.MEMORY) {
      throw ConfigException.at("history_engine", "redis history requires engine redis or hazelcast");
    }
  }

  /**
   * The embedded configuration used when no config file is given ({@code rebound-default.json}):
   * memory engine on port 8000, the development secret and API key, recoverable top-level channels
   * and the {@code chat} and {@code personal} namespaces. (Not called {@code defaults()}: that is the accessor of the
   * top-level channel options, and Java forbids a static method with the same signature.)
   */
  public static BrokerConfig defaultConfig() {
    return ConfigLoader.embeddedDefault(Map.of());
  }

  /** The options of namespace {@code name}, or null when no such namespace is configured. */
  public ChannelOptions namespace(String name) {
    return namespaces.get(name);
  }

  /** This configuration listening on {@code port} instead (for {@code --port}). */
  public BrokerConfig withPort(int port) {
    return new BrokerConfig(port, name, tokenHmacSecretKey, apiKey, apiInsecure, engine,
        historyEngine, redis, defaults, namespaces, client, limits, admin, cluster, http, tokens);
  }

  /** How connection tokens are checked: {@code token_hmac_secret_key} and the other {@code token_*} options. */
  public TokenSettings connectionTokens() {
    return tokens.connection(tokenHmacSecretKey);
  }

  /**
   * How subscription tokens are checked when {@code separate_subscription_token_config} is on (the
   * {@code subscription_token_*} options), else null: the same as {@link #connectionTokens()}.
   */
  public TokenSettings separateSubscriptionTokens() {
    return tokens.separateSubscriptionTokenConfig() ? tokens.subscription() : null;
  }

  /** A node name that is unique enough to tell nodes apart in logs: "rebound-" and 6 hex digits. */
  static String randomName() {
    return "rebound-" + String.format("%06x", RANDOM.nextInt(1 << 24));
  }
}
