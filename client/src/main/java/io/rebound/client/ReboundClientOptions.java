package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Options of a {@link ReboundClient}: a mutable data object with fluent setters and {@code DEFAULT_*} constants. The
 * client copies it when created, so later changes do not affect a running client.
 */
public final class ReboundClientOptions {

  public static final String DEFAULT_NAME = "java";
  /** Session resume window asked for (EXTENSIONS.md §2); the server may grant less. */
  public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(60);
  /** Commands kept until their reply arrives (to be resent after a reconnect). */
  public static final int DEFAULT_RECOVERY_BUFFER_SIZE = 128;
  public static final Duration DEFAULT_MIN_RECONNECT_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(20);
  /** How long the client keeps trying to reconnect before it gives up (Diffusion's default). */
  public static final Duration DEFAULT_RECONNECT_TIMEOUT = Duration.ofSeconds(60);
  /** No connect reply, or no reply to a command, within this long on an open connection: the connection is dead. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  /** Grace beyond the server's ping interval before a silent connection is considered dead. */
  public static final Duration DEFAULT_MAX_SERVER_PING_DELAY = Duration.ofSeconds(10);

  private String url;
  private String token;
  private Supplier<Future<String>> tokenSupplier;
  private String name = DEFAULT_NAME;
  private String version;
  private JsonNode data;
  private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
  private int recoveryBufferSize = DEFAULT_RECOVERY_BUFFER_SIZE;
  private boolean sync = true;
  private boolean discontinuity;
  private Duration minReconnectDelay = DEFAULT_MIN_RECONNECT_DELAY;
  private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
  private Duration reconnectTimeout = DEFAULT_RECONNECT_TIMEOUT;
  private Duration timeout = DEFAULT_TIMEOUT;
  private Duration maxServerPingDelay = DEFAULT_MAX_SERVER_PING_DELAY;
  private Random random;

  public ReboundClientOptions() {}

  public ReboundClientOptions(ReboundClientOptions o) {
    url = o.url;
    token = o.token;
    tokenSupplier = o.tokenSupplier;
    name = o.name;
    version = o.version;
    data = o.data;
    resumeWindow = o.resumeWindow;
    recoveryBufferSize = o.recoveryBufferSize;
    sync = o.sync;
    discontinuity = o.discontinuity;
    minReconnectDelay = o.minReconnectDelay;
    maxReconnectDelay = o.maxReconnectDelay;
    reconnectTimeout = o.reconnectTimeout;
    timeout = o.timeout;
    maxServerPingDelay = o.maxServerPingDelay;
    random = o.random;
  }

  /** WebSocket endpoint, e.g. {@code ws://localhost:8000/connection/websocket}. Required. */
  public ReboundClientOptions url(String url) {
    this.url = url;
    return this;
  }

  /** Connection JWT used for the first connect (and every connect when there is no {@link #tokenSupplier}). */
  public ReboundClientOptions token(String token) {
    this.token = token;
    return this;
  }

  /**
   * Fetches a fresh connection token: called before the first connect when no {@link #token} is set, after a connect
   * answered 109 (token expired), and before the connection expires (the connect reply's {@code ttl}) to send a
   * {@code refresh}. A null or empty token stops the client (disconnected, code 1 "unauthorized"). Called on the
   * client's context, so it must not block (fetch asynchronously and return the future); may complete on any thread.
   */
  public ReboundClientOptions tokenSupplier(Supplier<Future<String>> tokenSupplier) {
    this.tokenSupplier = tokenSupplier;
    return this;
  }

  /** Client name sent in {@code connect} (server metrics). */
  public ReboundClientOptions name(String name) {
    this.name = name;
    return this;
  }

  /** Application version sent in {@code connect}. */
  public ReboundClientOptions version(String version) {
    this.version = version;
    return this;
  }

  /** Custom connect data (raw JSON). */
  public ReboundClientOptions data(JsonNode data) {
    this.data = data;
    return this;
  }

  /** Session resume window asked for; {@link Duration#ZERO} disables session resume (per-channel recovery only). */
  public ReboundClientOptions resumeWindow(Duration resumeWindow) {
    this.resumeWindow = Objects.requireNonNull(resumeWindow);
    return this;
  }

  /**
   * Recovery buffer size: at most this many commands without a reply are kept (sent or waiting for the connection);
   * beyond it, {@code publish}, {@code history} and {@code presence} fail at once with {@link RecoveryBufferFullException}.
   */
  public ReboundClientOptions recoveryBufferSize(int size) {
    if (size < 1) throw new IllegalArgumentException("recoveryBufferSize must be >= 1");
    this.recoveryBufferSize = size;
    return this;
  }

  /** {@code false}: opt out of the server's offline user sync for this connection (connect {@code "sync": false}). */
  public ReboundClientOptions sync(boolean sync) {
    this.sync = sync;
    return this;
  }

  /**
   * {@code true}: ask the server to report a loss of continuity as a discontinuity event on a subscription that stays
   * active (EXTENSIONS.md §3), instead of ending it (unsubscribe 2500, which this client answers with a recovering
   * resubscribe). Off by default: an app that turns it on must handle {@code onDiscontinuity}.
   */
  public ReboundClientOptions discontinuity(boolean discontinuity) {
    this.discontinuity = discontinuity;
    return this;
  }

  public ReboundClientOptions minReconnectDelay(Duration d) {
    this.minReconnectDelay = Objects.requireNonNull(d);
    return this;
  }

  public ReboundClientOptions maxReconnectDelay(Duration d) {
    this.maxReconnectDelay = Objects.requireNonNull(d);
    return this;
  }

  /** How long to keep trying to (re)connect before giving up; {@link Duration#ZERO} = never give up. */
  public ReboundClientOptions reconnectTimeout(Duration d) {
    this.reconnectTimeout = Objects.requireNonNull(d);
    return this;
  }

  /** Connect reply and command reply timeout on an open connection (a timeout reconnects; commands are kept). */
  public ReboundClientOptions timeout(Duration d) {
    this.timeout = Objects.requireNonNull(d);
    return this;
  }

  /** Extra wait beyond the server's ping interval; {@link Duration#ZERO} disables the ping watchdog. */
  public ReboundClientOptions maxServerPingDelay(Duration d) {
    this.maxServerPingDelay = Objects.requireNonNull(d);
    return this;
  }

  /** Random source of the reconnect jitter (tests use a seeded one); default a new {@link Random} per client. */
  public ReboundClientOptions random(Random random) {
    this.random = random;
    return this;
  }

  public String url() {
    return url;
  }

  public String token() {
    return token;
  }

  public Supplier<Future<String>> tokenSupplier() {
    return tokenSupplier;
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public JsonNode data() {
    return data;
  }

  public Duration resumeWindow() {
    return resumeWindow;
  }

  public int recoveryBufferSize() {
    return recoveryBufferSize;
  }

  public boolean sync() {
    return sync;
  }

  public boolean discontinuity() {
    return discontinuity;
  }

  public Duration minReconnectDelay() {
    return minReconnectDelay;
  }

  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  public Duration reconnectTimeout() {
    return reconnectTimeout;
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration maxServerPingDelay() {
    return maxServerPingDelay;
  }

  public Random random() {
    return random;
  }
}
