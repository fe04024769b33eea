package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.protocol.Disconnect;
import java.io.IOException;
import java.util.Map;

/**
 * Everything the server sends, routed to whom it concerns (PROTOCOL.md §2–5, EXTENSIONS.md §2–3).
 *
 * <ul>
 *   <li>A frame is split into lines. Each line is one message; a malformed one makes the client reconnect.</li>
 *   <li>Until the connect reply arrives, everything but pings is ignored. The reply itself either starts or resumes
 *       the session, or it is an error that decides between retrying and stopping.</li>
 *   <li>After that, every message but pings is counted for session resume. A reply completes its command. A push goes
 *       to the subscription of its channel, or to the server-side subscriptions.</li>
 *   <li>A close code decides between reconnecting and stopping: {@link Disconnect#reconnect(int)}, unless a legacy
 *       JSON reason says otherwise.</li>
 * </ul>
 *
 * Confined to the client's context: events from a transport that is no longer the current one are dropped.
 */
final class InboundRouter implements Transport.Events {

  /** Close codes below this are WebSocket's own (1000–2999): the network or a proxy closed, not the server's advice. */
  private static final int FIRST_APPLICATION_CLOSE_CODE = 3000;

  private final ClientEngine engine;
  private final ClientContext ctx;
  private final Map<String, Subscription> subscriptions;
  /** The connect reply asked for pongs: every ping is answered with {@code {}}. */
  private boolean pong;

  InboundRouter(ClientEngine engine, ClientContext ctx, Map<String, Subscription> subscriptions) {
    this.engine = engine;
    this.ctx = ctx;
    this.subscriptions = subscriptions;
  }

  @Override
  public void onText(Transport t, String frame) {
    if (!ctx.isCurrent()) {
      ctx.run(() -> onText(t, frame));
      return;
    }
    if (!engine.isCurrent(t)) return;
    engine.watchdogs.dataReceived();
    int start = 0;
    int len = frame.length();
    while (start < len && engine.isCurrent(t)) { // a message may end the connection: the rest of the frame is stale
      int nl = frame.indexOf('\n', start);
      int end = nl < 0 ? len : nl;
      String line = frame.substring(start, end);
      start = end + 1;
      if (line.isBlank()) continue;
      JsonNode m;
      try {
        m = Wire.parse(line);
      } catch (IOException e) {
        engine.lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "malformed message from server", true);
        return;
      }
      dispatch(t, m);
    }
  }

  @Override
  public void onClose(Transport t, Short code, String reason) {
    ctx.run(() -> {
      if (!engine.isCurrent(t)) return;
      if (code == null || code < FIRST_APPLICATION_CLOSE_CODE) {
        if (code != null && code == Disconnect.MESSAGE_TOO_BIG.code()) {
          engine.lost(t, ReboundClient.DISCONNECT_MESSAGE_SIZE_LIMIT, Disconnect.MESSAGE_TOO_BIG.reason(), false);
        } else {
          engine.lost(t, ReboundClient.RECONNECT_TRANSPORT_CLOSED, "transport closed", true);
        }
        return;
      }
      String text = reason == null ? "" : reason;
      boolean reconnect = Disconnect.reconnect(code);
      if (text.startsWith("{")) { // legacy advice: {"reason": "...", "reconnect": bool}
        try {
          JsonNode advice = Wire.parse(text);
          text = advice.path("reason").asText(text);
          if (advice.has("reconnect")) reconnect = advice.get("reconnect").asBoolean();
        } catch (IOException ignored) {
          // a plain reason that happens to start with '{'
        }
      }
      engine.lost(t, code, text, reconnect);
    });
  }

  private void dispatch(Transport t, JsonNode m) {
    if (m.isObject() && m.isEmpty()) { // a server ping: not counted
      if (pong && !engine.awaitingConnectReply()) t.send("{}");
      return;
    }
    long id = m.path("id").asLong(0);
    if (engine.awaitingConnectReply()) {
      if (id == CommandBuffer.CONNECT_ID) connectReply(t, m);
      return;
    }
    engine.resume.counted(); // every message after the connect reply but pings counts, in order (EXTENSIONS.md §2)
    if (id > 0) {
      PendingCommand c = engine.commands.remove(id);
      if (c == null) return; // answered already (a resent command), or failed when a new session began
      JsonNode error = m.get("error");
      if (error != null) c.complete(null, Wire.error(error));
      else c.complete(m.has(c.method) ? m.get(c.method) : Wire.object(), null);
      return;
    }
    JsonNode push = m.get("push");
    if (push != null) push(t, push);
  }

  private void connectReply(Transport t, JsonNode m) {
    engine.connectReplyArrived();
    JsonNode error = m.get("error");
    if (error != null) {
      connectRefused(t, Wire.error(error), error.path("message").asText(""));
      return;
    }
    JsonNode r = m.path("connect");
    boolean resumed = engine.resume.replied(r);
    pong = r.path("pong").asBoolean(false);
    engine.established(r.path("client").asText(""));
    engine.watchdogs.connected(t, r.path("ping").asLong(0) * 1000, r);
    engine.writer.connected(t, resumed, r.path("last_command").asLong(0));
    ConnectedEvent event = new ConnectedEvent(engine.clientId, resumed, r.get("data"));
    engine.emit(l -> l.onConnected(event));
    engine.serverSubs.connected(r.get("subs"), resumed);
    engine.writer.flush();
  }

  /**
   * A connect error reply. Token expired: a new token is fetched before the next attempt, if there is a supplier to
   * ask; otherwise the client stops. Any other error: reconnect when {@link ReplyException#retryable()}, else stop.
   */
  private void connectRefused(Transport t, ReplyException e, String message) {
    engine.emit(l -> l.onError(e));
    if (e.tokenExpired()) {
      engine.token.expired();
      engine.lost(t, e.code(), message, engine.token.hasSupplier());
    } else {
      engine.lost(t, e.code(), message, e.retryable());
    }
  }

  private void push(Transport t, JsonNode p) {
    String channel = p.path("channel").asText("");
    Subscription sub = subscriptions.get(channel);
    ServerSubscriptions serverSubs = engine.serverSubs;
    JsonNode x;
    if ((x = p.get("pub")) != null) {
      if (sub != null) sub.publication(x);
      else serverSubs.publication(channel, x);
    } else if ((x = p.get("join")) != null) {
      if (sub != null) sub.join(Wire.info(x.get("info")));
    } else if ((x = p.get("leave")) != null) {
      if (sub != null) sub.leave(Wire.info(x.get("info")));
    } else if ((x = p.get("unsubscribe")) != null) {
      int code = x.path("code").asInt(0);
      String reason = x.path("reason").asText("");
      if (sub != null && !serverSubs.has(channel)) sub.unsubscribePush(code, reason);
      else serverSubs.unsubscribed(channel, code, reason);
    } else if ((x = p.get("subscribe")) != null) {
      serverSubs.subscribed(channel, x);
    } else if ((x = p.get("message")) != null) {
      JsonNode data = x.get("data");
      engine.emit(l -> l.onMessage(data));
    } else if ((x = p.get("disconnect")) != null) {
      int code = x.path("code").asInt(0);
      engine.lost(t, code, x.path("reason").asText(""), Disconnect.reconnect(code));
    } else if ((x = p.get("discontinuity")) != null) {
      Discontinuity d = new Discontinuity(channel, x.path("reason").asText(""), Wire.position(x.get("since")), Wire.position(x.get("attach")));
      if (sub != null) sub.discontinuity(d);
      else serverSubs.discontinuity(d);
    }
  }
}
