package io.rebound.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The node's HTTP/WebSocket listener and how it protects itself from sockets that hold resources
 * without using them (README, "Limits").
 *
 * @param address {@code address}: the IP address to listen on; {@code 0.0.0.0} (the default) is every
 *     interface, since clients must reach this port
 * @param idleTimeout {@code http_idle_timeout}: an HTTP connection with no byte read or written for
 *     this long is closed (between requests as well as during a slow one); 0 = never. WebSockets are
 *     not subject to it: their pings and pongs watch them ({@code client_ping_interval})
 * @param headerTimeout {@code http_header_timeout}: a new connection must complete its first request
 *     or WebSocket handshake within this long; 0 = no limit
 * @param bodyTimeout {@code http_body_timeout}: once its headers are in, a request's whole body must
 *     arrive within this long; 0 = no limit
 * @param keepAliveTimeout {@code http_keep_alive_timeout}: how long a connection may wait after one
 *     response for the next request to be complete (whatever bytes trickle in); 0 = no limit
 * @param maxPendingConnections {@code http_max_pending_connections}: sockets of the node that have no
 *     request in progress and are not WebSockets (new ones, and keep-alive ones between requests); a
 *     new socket beyond it closes the one of its event loop that has waited longest, so idle sockets
 *     can never lock new clients out; 0 = unlimited
 * @param allowedOrigins {@code allowed_origins}: the browser origins ({@code scheme://host[:port]},
 *     {@code *} as a wildcard) whose pages may open a WebSocket here; {@code ["*"]} allows every one.
 *     Empty (the default): only pages of the node's own origin (the {@code Origin} host equals the
 *     {@code Host} header). A request without {@code Origin} (native apps, servers) is always allowed.
 */
public record HttpOptions(String address, Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout,
    Duration keepAliveTimeout, int maxPendingConnections, List<String> allowedOrigins) {

  public static final String DEFAULT_ADDRESS = "0.0.0.0";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 1024;

  /** Every option at its default. */
  public static final HttpOptions DEFAULTS = new HttpOptions(DEFAULT_ADDRESS, DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
      DEFAULT_BODY_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_MAX_PENDING_CONNECTIONS, List.of());

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("address", "http_idle_timeout", "http_header_timeout", "http_body_timeout",
      "http_keep_alive_timeout", "http_max_pending_connections", "allowed_origins");

  /** Validates, naming the JSON key at fault. */
  public HttpOptions {
    address = address == null ? DEFAULT_ADDRESS : address;
    if (address.isBlank() || address.contains("/") || address.contains(" ")) {
      throw ConfigException.at("address", "\"" + address + "\" is not an address to listen on (e.g. 0.0.0.0, 127.0.0.1, 10.0.0.5)");
    }
    nonNegative("http_idle_timeout", idleTimeout);
    nonNegative("http_header_timeout", headerTimeout);
    nonNegative("http_body_timeout", bodyTimeout);
    nonNegative("http_keep_alive_timeout", keepAliveTimeout);
    if (maxPendingConnections < 0) throw ConfigException.at("http_max_pending_connections", "must be >= 0 (0 = unlimited)");
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    for (String origin : allowedOrigins) {
      if (origin.isBlank()) throw ConfigException.at("allowed_origins", "an origin must not be empty");
    }
  }

  private static void nonNegative(String key, Duration d) {
    if (d == null) throw ConfigException.at(key, "is required");
    if (d.isNegative()) throw ConfigException.at(key, "must be >= 0 (0 = no limit)");
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static HttpOptions read(JsonFields f) {
    HttpOptions d = DEFAULTS;
    return f.build(() -> new HttpOptions(
        f.string("address", d.address),
        f.duration("http_idle_timeout", d.idleTimeout),
        f.duration("http_header_timeout", d.headerTimeout),
        f.duration("http_body_timeout", d.bodyTimeout),
        f.duration("http_keep_alive_timeout", d.keepAliveTimeout),
        f.integer("http_max_pending_connections", d.maxPendingConnections),
        f.strings("allowed_origins", d.allowedOrigins)));
  }
}
