package io.rebound.webhook.redis;

import io.rebound.config.RedisOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook ledger's one Redis connection. One connection on purpose: commands are pipelined and
 * Redis runs them in the order they were sent, so a record's write and its later delete can never
 * swap. While it is down, {@link #send} fails at once and a timer reconnects (100 ms doubling to 2 s);
 * each reconnect runs {@code onReconnect} (the ledger writes all its records again, since they may be
 * lost). Up/down changes are logged once each.
 *
 * <p>Confined to the webhook context: created, used and called back there.
 */
final class RedisWebhookLink {

  private static final Logger LOG = LoggerFactory.getLogger(RedisWebhookLink.class);
  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 2_000;

  private final Vertx vertx;
  private final Redis client;
  private final String address;
  private final long commandTimeoutMs;
  private final long connectTimeoutMs;
  private final Runnable onReconnect;
  private volatile RedisConnection conn; // read by isUp() from any thread
  private boolean closed;
  private boolean reportedDown;
  private long backoffMs = MIN_BACKOFF_MS;

  RedisWebhookLink(Vertx vertx, RedisOptions options, Runnable onReconnect) {
    this.vertx = vertx;
    this.address = withoutCredentials(options.address());
    this.commandTimeoutMs = options.commandTimeout().toMillis();
    this.connectTimeoutMs = options.connectTimeout().toMillis();
    this.onReconnect = onReconnect;
    this.client = Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(options.address())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2) // plain arrays for HGETALL and SMEMBERS
        .setMaxPoolSize(1)
        .setMaxPoolWaiting(1)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
            .setTcpKeepAlive(true).setTcpNoDelay(true)));
  }

  /** Opens the connection; fails when Redis cannot be reached now (a node does not start without it). */
  Future<Void> start() {
    return open().mapEmpty();
  }

  boolean isUp() {
    return conn != null;
  }

  String address() {
    return address;
  }

  /** Sends {@code request}; fails at once while the link is down, and after the command timeout. */
  Future<Response> send(Request request) {
    RedisConnection c = conn;
    if (c == null) return Future.failedFuture("Redis at " + address + " is unavailable (reconnecting)");
    return c.send(request).timeout(commandTimeoutMs, TimeUnit.MILLISECONDS).recover(e -> {
      // A command that got no answer means a stuck socket: drop it so the reconnect loop finds out.
      if (e instanceof TimeoutException) lost(c, e);
      return Future.failedFuture(e);
    });
  }

  Future<Void> close() {
    closed = true;
    conn = null;
    return client.close();
  }

  private Future<RedisConnection> open() {
    Future<RedisConnection> attempt = client.connect();
    // The timeout gives up on the attempt but cannot cancel it: a connect that completes later (a network path that
    // held the SYN, then let it through) would keep the pool's one slot, and every later attempt would fail on the
    // full pool for good. A late connection is closed, which frees the slot.
    Future<RedisConnection> timed = attempt.timeout(connectTimeoutMs + commandTimeoutMs, TimeUnit.MILLISECONDS);
    timed.onFailure(e -> attempt.onSuccess(late -> {
      if (conn != late) late.close();
    }));
    return timed.onSuccess(c -> {
      if (closed) {
        c.close();
        return;
      }
      c.exceptionHandler(e -> lost(c, e));
      c.endHandler(v -> lost(c, null));
      boolean again = reportedDown;
      conn = c;
      backoffMs = MIN_BACKOFF_MS;
      if (again) {
        reportedDown = false;
        LOG.info("event=webhook_redis_up address={}", address);
        onReconnect.run();
      }
    });
  }

  private void lost(RedisConnection c, Throwable cause) {
    if (conn != c) return;
    conn = null;
    c.close();
    if (closed) return;
    if (!reportedDown) {
      reportedDown = true;
      LOG.warn("event=webhook_redis_down address={} error=\"{}\": reconnecting", address, cause == null ? "connection closed" : cause.getMessage());
    }
    reconnectLater();
  }

  private void reconnectLater() {
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> {
      if (!closed) open().onFailure(e -> reconnectLater());
    });
  }

  /** {@code redis://user:secret@host:port/0} → {@code redis://host:port/0}, for log lines. */
  static String withoutCredentials(String address) {
    int scheme = address.indexOf("://");
    int at = address.lastIndexOf('@');
    return scheme >= 0 && at > scheme ? address.substring(0, scheme + 3) + address.substring(at + 1) : address;
  }
}
