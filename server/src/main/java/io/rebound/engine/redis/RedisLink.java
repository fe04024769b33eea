package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One long-lived Redis connection that heals itself, leased from the node's {@link RedisConnections}.
 * Commands are pipelined on it, so replies come back in the order the commands were written (and
 * commands sent from one thread are written in the order they were sent).
 *
 * <p>While the connection is up, {@link #send} forwards the command and fails it with {@link
 * RedisUnavailableException} if no reply arrives within the command timeout. While it is down,
 * {@link #send} fails at once (no waiting on a dead socket) and a timer reconnects with exponential
 * backoff between {@link #MIN_BACKOFF_MS} and {@link #MAX_BACKOFF_MS}. Each up/down change is logged
 * once, never once per command.
 *
 * <p>Thread-safe: the current connection is published through an atomic reference; state changes
 * happen in the connection's callbacks.
 */
final class RedisLink {

  static final long MIN_BACKOFF_MS = 50;
  static final long MAX_BACKOFF_MS = 2_000;
  private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

  private final RedisConnections owner;
  private final Vertx vertx;
  private final Redis client;
  private final RedisOptions options;
  private final String name;
  private final Function<RedisConnection, Future<?>> onConnect;
  private final AtomicReference<RedisConnection> current = new AtomicReference<>();
  private volatile boolean closed;
  private volatile boolean reportedDown;
  private volatile long backoffMs = MIN_BACKOFF_MS;

  /**
   * @param name what this link is for, in log lines ("history#2", "fanout-subscriber")
   * @param onConnect run on every new connection before it is used (e.g. SUBSCRIBE); when it fails the
   *     connection is dropped and retried
   */
  RedisLink(RedisConnections owner, Redis client, String name, Function<RedisConnection, Future<?>> onConnect) {
    this.owner = owner;
    this.vertx = owner.vertx();
    this.client = client;
    this.options = owner.options();
    this.name = name;
    this.onConnect = onConnect;
  }

  /** Opens the first connection; fails (without retrying) when Redis cannot be reached now. */
  public Future<RedisLink> start() {
    return open().map(conn -> this);
  }

  /** True while a connection is open and usable. */
  public boolean isUp() {
    return current.get() != null;
  }

  /** Sends {@code request}; fails fast with {@link RedisUnavailableException} when the link is down or Redis does not answer in time. */
  public Future<Response> send(Request request) {
    RedisConnection conn = current.get();
    if (conn == null) {
      return Future.failedFuture(new RedisUnavailableException("Redis at " + options.safeAddress() + " is unavailable (" + name + " reconnecting)"));
    }
    long timeoutMs = options.commandTimeout().toMillis();
    return conn.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> {
          if (e instanceof TimeoutException) {
            // The socket may be stuck (frozen server, black-holed network): drop it so the reconnect
            // loop finds out, and fail every other command queued behind this one too.
            lost(conn, e);
            return Future.failedFuture(new RedisUnavailableException(
                "Redis at " + options.safeAddress() + " did not answer " + request.command() + " within " + timeoutMs + " ms", e));
          }
          if (isServerError(e)) return Future.failedFuture(e);
          lost(conn, e);
          return Future.failedFuture(new RedisUnavailableException("Redis at " + options.safeAddress() + " is unavailable: " + e.getMessage(), e));
        });
  }

  /**
   * Stops using and reconnecting the link and closes its socket, which frees its place in the shared
   * client's pool (the other parts' links stay open). Commands in flight fail.
   */
  public Future<Void> close() {
    closed = true;
    owner.forget(this);
    RedisConnection conn = current.getAndSet(null);
    if (conn != null) forceClose(conn);
    return Future.succeededFuture();
  }

  /**
   * A reply that is a Redis error means the server is alive (a script error, NOSCRIPT, WRONGTYPE);
   * only LOADING (restarting with a big dataset) and BUSY (a stuck script) mean "not available now".
   */
  static boolean isServerError(Throwable e) {
    if (!(e instanceof ErrorType)) return false;
    String msg = e.getMessage() == null ? "" : e.getMessage();
    return !msg.startsWith("LOADING") && !msg.startsWith("BUSY") && !msg.startsWith("CONNECTION_CLOSED");
  }

  private Future<RedisConnection> open() {
    long handshakeMs = options.connectTimeout().toMillis() + options.commandTimeout().toMillis();
    Future<RedisConnection> attempt = client.connect();
    Future<RedisConnection> timed = attempt.timeout(handshakeMs, TimeUnit.MILLISECONDS);
    // A timeout gives up on the attempt without cancelling it: one that completes later would keep a slot of the
    // shared pool for good (the webhook link lost its only slot so, RedisWebhookLinkIT). Close it when it comes.
    timed.onFailure(e -> attempt.onSuccess(RedisLink::forceClose));
    return timed
        .compose(conn -> {
          conn.exceptionHandler(e -> lost(conn, e));
          conn.endHandler(v -> lost(conn, null));
          return onConnect.apply(conn)
              .timeout(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .<RedisConnection>map(ignored -> conn)
              .onFailure(e -> forceClose(conn));
        })
        .onSuccess(conn -> {
          if (closed) {
            forceClose(conn);
            return;
          }
          current.set(conn);
          backoffMs = MIN_BACKOFF_MS;
          if (reportedDown) {
            reportedDown = false;
            LOG.log(System.Logger.Level.INFO, "Redis at {0} reachable again ({1})", options.safeAddress(), name);
          }
        });
  }

  /** Called from every failure path of {@code conn}; only the first call for the current connection acts. */
  private void lost(RedisConnection conn, Throwable cause) {
    if (!current.compareAndSet(conn, null)) return;
    forceClose(conn);
    if (closed) return;
    if (!reportedDown) {
      reportedDown = true;
      LOG.log(System.Logger.Level.WARNING, "Redis at {0} unavailable ({1}): {2}; reconnecting with backoff",
          options.safeAddress(), name, cause == null ? "connection closed" : String.valueOf(cause.getMessage()));
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closed) return;
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> {
      if (closed) return;
      open().onFailure(e -> scheduleReconnect());
    });
  }

  /**
   * Closes the socket itself. {@code RedisConnection.close()} on a pooled connection would hand a
   * possibly stuck socket back to the client's pool, and the next connect could get it again.
   */
  private static void forceClose(RedisConnection conn) {
    if (conn instanceof PooledRedisConnection pooled) {
      pooled.actual().forceClose();
    } else {
      conn.close();
    }
  }
}
