package io.rebound.config;

import io.rebound.auth.TokenSettings;
import java.util.HashSet;
import java.util.Set;

/**
 * The token options besides {@code token_hmac_secret_key} (which {@link BrokerConfig} keeps), with
 * Centrifugo v5's names: asymmetric keys, JWKS, audience and issuer checks for connection tokens,
 * and the separate configuration of subscription tokens.
 *
 * @param connection {@code token_rsa_public_key}, {@code token_ecdsa_public_key}, {@code
 *     token_jwks_public_endpoint}, {@code token_audience}, {@code token_audience_regex}, {@code
 *     token_issuer}, {@code token_issuer_regex} (its HMAC secret is always empty here)
 * @param separateSubscriptionTokenConfig {@code separate_subscription_token_config}: subscription
 *     tokens are checked with the {@code subscription_token_*} options only, never the {@code token_*} ones
 * @param subscription the {@code subscription_token_*} options (the same names, HMAC secret
 *     included); all empty unless {@code separateSubscriptionTokenConfig}
 */
public record TokenOptions(TokenSettings connection, boolean separateSubscriptionTokenConfig, TokenSettings subscription) {

  public static final TokenOptions DEFAULTS = new TokenOptions(TokenSettings.NONE, false, TokenSettings.NONE);

  private static final String[] SUFFIXES = {"rsa_public_key", "ecdsa_public_key", "jwks_public_endpoint", "audience",
      "audience_regex", "issuer", "issuer_regex"};

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = keys();

  /** Validates both configurations, naming the JSON key at fault. */
  public TokenOptions {
    connection = connection == null ? TokenSettings.NONE : connection.withHmacSecretKey("");
    subscription = subscription == null ? TokenSettings.NONE : subscription;
    validate("token_", connection);
    if (separateSubscriptionTokenConfig) {
      validate("subscription_token_", subscription);
    } else if (!subscription.isEmpty()) {
      // Centrifugo would ignore them silently; a key that does nothing is a mistake worth a failed start.
      throw ConfigException.at("separate_subscription_token_config", "subscription_token_* options are set but this is not true");
    }
  }

  /** The connection token settings with {@code hmacSecret} ({@code token_hmac_secret_key}). */
  public TokenSettings connection(String hmacSecret) {
    return connection.withHmacSecretKey(hmacSecret);
  }

  private static void validate(String prefix, TokenSettings settings) {
    try {
      settings.validate();
    } catch (TokenSettings.InvalidOption e) {
      throw ConfigException.at(prefix + e.option(), e.getMessage());
    }
  }

  private static Set<String> keys() {
    Set<String> keys = new HashSet<>();
    keys.add("separate_subscription_token_config");
    keys.add("subscription_token_hmac_secret_key");
    for (String suffix : SUFFIXES) {
      keys.add("token_" + suffix);
      keys.add("subscription_token_" + suffix);
    }
    return Set.copyOf(keys);
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static TokenOptions read(JsonFields f) {
    TokenSettings connection = settings(f, "token_", "");
    TokenSettings subscription = settings(f, "subscription_token_", f.string("subscription_token_hmac_secret_key", ""));
    boolean separate = f.bool("separate_subscription_token_config", false);
    return f.build(() -> new TokenOptions(connection, separate, subscription));
  }

  private static TokenSettings settings(JsonFields f, String prefix, String hmac) {
    return new TokenSettings(hmac, f.string(prefix + "rsa_public_key", ""), f.string(prefix + "ecdsa_public_key", ""),
        f.string(prefix + "jwks_public_endpoint", ""), f.string(prefix + "audience", ""), f.string(prefix + "audience_regex", ""),
        f.string(prefix + "issuer", ""), f.string(prefix + "issuer_regex", ""));
  }
}
