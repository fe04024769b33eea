package io.rebound.config;

import java.time.Duration;
import java.util.Set;

/**
 * Per-connection limits and timings, read from top-level keys of the config file.
 *
 * @param pingInterval {@code client_ping_interval}: how often the server pings an idle client
 *     (zero disables pings)
 * @param pongTimeout {@code client_pong_timeout}: how long a pong may take before the connection is
 *     closed as stale (zero disables the check); shorter than the ping interval
 * @param staleCloseDelay {@code client_stale_close_delay}: how long a connection may stay without
 *     a connect command
 * @param expiredCloseDelay {@code client_expired_close_delay}: grace after the credentials expire
 *     before the connection is closed
 * @param queueMaxSize {@code client_queue_max_size}: bytes that may wait in one connection's
 *     write queue before it is closed as a slow consumer
 * @param channelLimit {@code client_channel_limit}: subscriptions per connection (0 = unlimited)
 * @param connectionLimit {@code client_connection_limit}: connections per node (0 = unlimited)
 * @param userConnectionLimit {@code client_user_connection_limit}: connections per user per node
 *     (0 = unlimited)
 * @param recoveryMaxPublicationLimit {@code client_recovery_max_publication_limit}: the most
 *     publications replayed on recovery before answering {@code recovered: false} (0 = unlimited)
 * @param historyMaxPublicationLimit {@code client_history_max_publication_limit}: the most
 *     publications one client history call returns (0 = unlimited)
 * @param messageSizeLimit {@code websocket_message_size_limit}: the largest inbound frame in bytes
 * @param allowAnonymousConnectWithoutToken {@code allow_anonymous_connect_without_token}: a connect
 *     without a token is accepted as the anonymous user ""
 * @param writeDelay {@code client_write_delay}: while an edge's connections receive more than 200
 *     messages a second each, messages are collected for up to this long and leave as one frame per
 *     connection (fewer writes and frames under load, at most this much added latency; below that rate
 *     no message is ever delayed). 0 flushes once per event-loop pass.
 * @param resumeWindow {@code client_resume_window}: how long a dropped connection's session stays
 *     resumable when the client asked for it (docs/EXTENSIONS.md; the lower of this and the client's
 *     wish wins; 0 disables resume)
 * @param resumeBufferSize {@code client_resume_buffer_size}: the most written messages a resumable
 *     session keeps for resending (also bounded by {@code client_queue_max_size} bytes)
 * @param syncAckDelay {@code client_sync_ack_delay}: after publications of a {@code user_sync} channel were written
 *     to a connection, a ping follows within this long, so its pong stores the user's position promptly (a reload
 *     soon after does not get them again); one ping per connection per delay however many publications, never a
 *     second one while a pong is awaited. 0 = acknowledged only at the regular ping. Needs pongs on.
 */
public record ClientOptions(
    Duration pingInterval,
    Duration pongTimeout,
    Duration staleCloseDelay,
    Duration expiredCloseDelay,
    int queueMaxSize,
    int channelLimit,
    int connectionLimit,
    int userConnectionLimit,
    int recoveryMaxPublicationLimit,
    int historyMaxPublicationLimit,
    int messageSizeLimit,
    boolean allowAnonymousConnectWithoutToken,
    Duration writeDelay,
    Duration resumeWindow,
    int resumeBufferSize,
    Duration syncAckDelay) {

  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(8);
  public static final Duration DEFAULT_STALE_CLOSE_DELAY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_EXPIRED_CLOSE_DELAY = Duration.ofSeconds(25);
  public static final int DEFAULT_QUEUE_MAX_SIZE = 1048576;
  public static final int DEFAULT_CHANNEL_LIMIT = 128;
  public static final int DEFAULT_PUBLICATION_LIMIT = 300;
  public static final int DEFAULT_MESSAGE_SIZE_LIMIT = 65536;
  public static final Duration DEFAULT_WRITE_DELAY = Duration.ofMillis(20);
  public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(60);
  public static final int DEFAULT_RESUME_BUFFER_SIZE = 1024;
  public static final Duration DEFAULT_SYNC_ACK_DELAY = Duration.ofMillis(200);

  /** Centrifugo's defaults: 25s/8s ping/pong, 128 channels, 300 publications, 64 KiB frames. */
  public static final ClientOptions DEFAULTS = new ClientOptions(DEFAULT_PING_INTERVAL,
      DEFAULT_PONG_TIMEOUT, DEFAULT_STALE_CLOSE_DELAY, DEFAULT_EXPIRED_CLOSE_DELAY,
      DEFAULT_QUEUE_MAX_SIZE, DEFAULT_CHANNEL_LIMIT, 0, 0, DEFAULT_PUBLICATION_LIMIT,
      DEFAULT_PUBLICATION_LIMIT, DEFAULT_MESSAGE_SIZE_LIMIT, false, DEFAULT_WRITE_DELAY,
      DEFAULT_RESUME_WINDOW, DEFAULT_RESUME_BUFFER_SIZE, DEFAULT_SYNC_ACK_DELAY);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("client_ping_interval", "client_pong_timeout",
      "client_stale_close_delay", "client_expired_close_delay", "client_queue_max_size",
      "client_channel_limit", "client_connection_limit", "client_user_connection_limit",
      "client_recovery_max_publication_limit", "client_history_max_publication_limit",
      "websocket_message_size_limit", "allow_anonymous_connect_without_token", "client_write_delay",
      "client_resume_window", "client_resume_buffer_size", "client_sync_ack_delay");

  /** Validates, naming the JSON key at fault. */
  public ClientOptions {
    requireNonNegative("client_ping_interval", pingInterval);
    requireNonNegative("client_pong_timeout", pongTimeout);
    requireNonNegative("client_stale_close_delay", staleCloseDelay);
    requireNonNegative("client_expired_close_delay", expiredCloseDelay);
    requireNonNegative("client_write_delay", writeDelay);
    requireNonNegative("client_resume_window", resumeWindow);
    requireNonNegative("client_sync_ack_delay", syncAckDelay);
    if (syncAckDelay.toMillis() > 10_000) throw ConfigException.at("client_sync_ack_delay", "must be at most 10s");
    if (resumeBufferSize < 1) throw ConfigException.at("client_resume_buffer_size", "must be >= 1");
    if (writeDelay.toMillis() > 1000) throw ConfigException.at("client_write_delay", "must be at most 1s");
    if (!pingInterval.isZero() && !pongTimeout.isZero() && pongTimeout.compareTo(pingInterval) >= 0) {
      // The pong deadline must fall before the next ping, or a dead peer is never detected.
      throw ConfigException.at("client_pong_timeout", "must be shorter than client_ping_interval");
    }
    // A zero queue or frame limit would close every connection, so these have no "unlimited" form.
    if (queueMaxSize <= 0) throw ConfigException.at("client_queue_max_size", "must be > 0");
    if (messageSizeLimit <= 0) throw ConfigException.at("websocket_message_size_limit", "must be > 0");
    requireNonNegative("client_channel_limit", channelLimit);
    requireNonNegative("client_connection_limit", connectionLimit);
    requireNonNegative("client_user_connection_limit", userConnectionLimit);
    requireNonNegative("client_recovery_max_publication_limit", recoveryMaxPublicationLimit);
    requireNonNegative("client_history_max_publication_limit", historyMaxPublicationLimit);
  }

  private static void requireNonNegative(String key, Duration d) {
    if (d == null) throw ConfigException.at(key, "is required");
    if (d.isNegative()) throw ConfigException.at(key, "must be >= 0");
  }

  private static void requireNonNegative(String key, int n) {
    if (n < 0) throw ConfigException.at(key, "must be >= 0 (0 = unlimited)");
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static ClientOptions read(JsonFields f) {
    ClientOptions d = DEFAULTS;
    return f.build(() -> new ClientOptions(
        f.duration("client_ping_interval", d.pingInterval),
        f.duration("client_pong_timeout", d.pongTimeout),
        f.duration("client_stale_close_delay", d.staleCloseDelay),
        f.duration("client_expired_close_delay", d.expiredCloseDelay),
        f.integer("client_queue_max_size", d.queueMaxSize),
        f.integer("client_channel_limit", d.channelLimit),
        f.integer("client_connection_limit", d.connectionLimit),
        f.integer("client_user_connection_limit", d.userConnectionLimit),
        f.integer("client_recovery_max_publication_limit", d.recoveryMaxPublicationLimit),
        f.integer("client_history_max_publication_limit", d.historyMaxPublicationLimit),
        f.integer("websocket_message_size_limit", d.messageSizeLimit),
        f.bool("allow_anonymous_connect_without_token", d.allowAnonymousConnectWithoutToken),
        f.duration("client_write_delay", d.writeDelay),
        f.duration("client_resume_window", d.resumeWindow),
        f.integer("client_resume_buffer_size", d.resumeBufferSize),
        f.duration("client_sync_ack_delay", d.syncAckDelay)));
  }
}
