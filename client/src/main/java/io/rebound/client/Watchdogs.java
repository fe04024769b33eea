package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * The timers that declare a connection dead, and the one that keeps its token fresh. Each timer is armed for one
 * transport. When it fires and that transport is no longer the current one, it does nothing.
 *
 * <ul>
 *   <li><b>Connect reply</b>: none within {@code timeout} of opening means reconnect (code 3 "connect timeout").</li>
 *   <li><b>Server pings</b>: no message for the server's ping interval plus {@code maxServerPingDelay} means reconnect
 *       (code 2 "no ping"). Any message counts, not only pings (as in centrifuge-js). The client closes with 3000,
 *       so the server keeps a resumable session for the next connect.</li>
 *   <li><b>Command replies</b>: the oldest command written to the connection still unanswered after {@code timeout}
 *       means reconnect (code 3). The commands are kept and resent.</li>
 *   <li><b>Token refresh</b>: {@code ttl} seconds after a connect (or refresh) reply that says {@code expires}, the
 *       token supplier is asked for a new token, which is sent in {@code refresh}. A failed supplier or a retryable
 *       error reply is retried after 5–10 s; any other error reply stops the client with its code.</li>
 * </ul>
 *
 * Confined to the client's context.
 */
final class Watchdogs {

  /** A failed token refresh is retried after this plus up to {@link #REFRESH_RETRY_JITTER_MS} (centrifuge-js). */
  static final long REFRESH_RETRY_MS = 5000;
  static final int REFRESH_RETRY_JITTER_MS = 5000;

  private final ClientEngine engine;
  private final ClientContext ctx;
  private final long timeoutMs;
  private final long maxPingDelayMs;
  private final Random random;
  private long connectReplyTimer = -1;
  private long pingTimer = -1;
  private long commandTimer = -1;
  private long refreshTimer = -1;
  /** When the current connection last received anything (System.nanoTime()). */
  private long lastDataNanos;

  Watchdogs(ClientEngine engine, ClientContext ctx, ReboundClientOptions options, Random random) {
    this.engine = engine;
    this.ctx = ctx;
    this.timeoutMs = options.timeout().toMillis();
    this.maxPingDelayMs = options.maxServerPingDelay().toMillis();
    this.random = random;
  }

  /** {@code t} is opening: its connect reply must arrive within the timeout. */
  void awaitConnectReply(Transport t) {
    connectReplyTimer = ctx.timer(timeoutMs, () -> {
      connectReplyTimer = -1;
      if (engine.isCurrent(t) && engine.awaitingConnectReply()) engine.lost(t, ReboundClient.RECONNECT_TIMEOUT, "connect timeout", true);
    });
  }

  /** The connect reply arrived (a success or an error). */
  void connectReplyArrived() {
    connectReplyTimer = ctx.cancel(connectReplyTimer);
  }

  /** Connected on {@code t}: the ping watch starts with the server's interval, and the refresh timer from the reply. */
  void connected(Transport t, long pingIntervalMs, JsonNode reply) {
    lastDataNanos = System.nanoTime();
    pingTimer = ctx.cancel(pingTimer);
    if (pingIntervalMs > 0 && maxPingDelayMs > 0) {
      long limit = pingIntervalMs + maxPingDelayMs;
      pingTimer = ctx.timer(limit, () -> checkPing(t, limit));
    }
    armRefresh(reply);
  }

  /** Something arrived on the current connection: it is alive. */
  void dataReceived() {
    lastDataNanos = System.nanoTime();
  }

  /** A command was written (or the connection came up): the oldest unanswered one is timed, unless it already is. */
  void watchCommands() {
    if (commandTimer >= 0 || !engine.connected()) return;
    PendingCommand oldest = engine.commands.oldestSent();
    if (oldest == null) return;
    Transport t = engine.transport();
    commandTimer = ctx.timer(timeoutMs - millisSince(oldest.sentAtNanos), () -> {
      commandTimer = -1;
      if (!engine.connectedOn(t)) return;
      PendingCommand c = engine.commands.oldestSent();
      if (c == null) return;
      if (millisSince(c.sentAtNanos) >= timeoutMs) {
        engine.lost(t, ReboundClient.RECONNECT_TIMEOUT, "no reply to " + c.method + " within " + timeoutMs + " ms", true);
      } else {
        watchCommands(); // answered meanwhile: time the one that is now the oldest
      }
    });
  }

  /** The connection is gone or the client stopped: no timer of it may fire. */
  void cancelAll() {
    connectReplyTimer = ctx.cancel(connectReplyTimer);
    pingTimer = ctx.cancel(pingTimer);
    commandTimer = ctx.cancel(commandTimer);
    refreshTimer = ctx.cancel(refreshTimer);
  }

  private void checkPing(Transport t, long limit) {
    pingTimer = -1;
    if (!engine.connectedOn(t)) return;
    long silentMs = millisSince(lastDataNanos);
    if (silentMs >= limit) engine.lost(t, ReboundClient.RECONNECT_NO_PING, "no ping", true);
    else pingTimer = ctx.timer(limit - silentMs, () -> checkPing(t, limit));
  }

  private void armRefresh(JsonNode result) {
    refreshTimer = ctx.cancel(refreshTimer);
    if (!result.path("expires").asBoolean(false) || !engine.token.hasSupplier()) return;
    long ttlMs = Math.min(result.path("ttl").asLong(0) * 1000, Integer.MAX_VALUE);
    refreshTimer = ctx.timer(ttlMs, this::refreshToken);
  }

  private void refreshToken() {
    refreshTimer = -1;
    if (!engine.connected()) return;
    Transport t = engine.transport();
    engine.token.fetch().onComplete(ar -> ctx.run(() -> {
      if (!engine.connectedOn(t)) return;
      if (ar.failed()) {
        engine.emit(l -> l.onError(ar.cause()));
        retryRefresh();
        return;
      }
      if (ar.result() == null || ar.result().isEmpty()) {
        engine.stop(ReboundClient.DISCONNECT_UNAUTHORIZED, "unauthorized");
        return;
      }
      engine.token.use(ar.result());
      ObjectNode params = Wire.object().put("token", ar.result());
      engine.writer.send(engine.commands.add("refresh", params, PendingCommand.Kind.CONTROL, (res, err) -> {
        if (err instanceof ReplyException re) {
          engine.emit(l -> l.onError(re));
          if (re.retryable()) retryRefresh();
          else engine.stop(re.code(), re.getMessage());
        } else if (res != null && engine.isCurrent(t)) {
          armRefresh(res);
        }
      }));
    }));
  }

  private void retryRefresh() {
    refreshTimer = ctx.timer(REFRESH_RETRY_MS + random.nextInt(REFRESH_RETRY_JITTER_MS), this::refreshToken);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
