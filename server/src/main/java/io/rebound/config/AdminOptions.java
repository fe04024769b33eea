package io.rebound.config;

import java.time.Duration;
import java.util.Set;

/**
 * The admin web page (Centrifugo's {@code admin*} keys), read from top-level keys of the config file.
 * Off by default. When on and not {@code admin_insecure}, both the password and the token secret are
 * required: a page that anyone who reaches the port can use to publish and disconnect must never be
 * open by accident.
 *
 * @param enabled {@code admin}: serve the admin page and its API
 * @param password {@code admin_password}: what an operator types to log in
 * @param secret {@code admin_secret}: HMAC key of the admin session tokens; every node of a cluster
 *     must share it (the page's requests may reach any node behind the balancer), and it must differ
 *     from {@code token_hmac_secret_key} (else an admin token would be a connection token too)
 * @param insecure {@code admin_insecure}: no login at all (development only)
 * @param port {@code admin_port}: serve the page and its API on this port instead of the node's
 *     port (0, the default, or the node's own port: on the node's port)
 * @param tokenTtl {@code admin_token_ttl}: how long a login lasts before the page asks for the
 *     password again
 */
public record AdminOptions(boolean enabled, String password, String secret, boolean insecure, int port, Duration tokenTtl) {

  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(12);
  /** The admin page is off unless configured. */
  public static final AdminOptions DISABLED = new AdminOptions(false, "", "", false, 0, DEFAULT_TOKEN_TTL);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("admin", "admin_password", "admin_secret", "admin_insecure", "admin_port", "admin_token_ttl");

  /** Validates, naming the JSON key at fault. */
  public AdminOptions {
    password = password == null ? "" : password;
    secret = secret == null ? "" : secret;
    tokenTtl = tokenTtl == null ? DEFAULT_TOKEN_TTL : tokenTtl;
    if (port < 0 || port > 65535) throw ConfigException.at("admin_port", port + " is not in 0..65535");
    if (tokenTtl.toSeconds() < 1) throw ConfigException.at("admin_token_ttl", "must be at least 1s");
    if (enabled && !insecure) {
      if (password.isEmpty()) {
        throw ConfigException.at("admin_password",
            "is required when admin is true: set a password for the admin page (or admin_insecure: true, for development only)");
      }
      if (secret.isEmpty()) {
        throw ConfigException.at("admin_secret",
            "is required when admin is true: set a long random secret that signs admin sessions, the same on every node");
      }
    }
  }

  /** Whether the page has its own port rather than the node's {@code nodePort}. */
  public boolean ownPort(int nodePort) {
    return port != 0 && port != nodePort;
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static AdminOptions read(JsonFields f) {
    AdminOptions d = DISABLED;
    return f.build(() -> new AdminOptions(
        f.bool("admin", d.enabled),
        f.string("admin_password", d.password),
        f.string("admin_secret", d.secret),
        f.bool("admin_insecure", d.insecure),
        f.integer("admin_port", d.port),
        f.duration("admin_token_ttl", d.tokenTtl)));
  }
}
