package io.rebound.edge.session;

import io.rebound.config.ClientOptions;
import io.rebound.core.StreamPosition;
import io.rebound.protocol.Disconnect;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's timers, driven by the edge's once-a-second tick rather than a timer per connection:
 * a connect that never comes (3502 stale), pings and their pong deadline (3012), connection and
 * subscription token expiry (3005 / 2501 / 3006), and the acknowledgement of user-sync positions —
 * a pong proves the client processed everything written before its ping, so the positions written
 * before the ping are stored then. Event-loop confined, like its session.
 */
final class Keepalive {

  private static final Logger LOG = LoggerFactory.getLogger(Keepalive.class);

  private final ClientSession session;
  private long staleDeadline;
  private long nextPingAt = Long.MAX_VALUE;
  private long pongDeadline;
  private boolean pingOutstanding; // a ping was sent and its pong has not arrived

  Keepalive(ClientSession session, long acceptedAt) {
    this.session = session;
    this.staleDeadline = acceptedAt + options().staleCloseDelay().toMillis();
  }

  private ClientOptions options() {
    return session.options();
  }

  /** Whether the connect reply promises pongs ({@code ping} and {@code pong_timeout} both on). */
  boolean pongEnabled() {
    return options().pingInterval().toMillis() > 0 && options().pongTimeout().toMillis() > 0;
  }

  /**
   * Connected (or resumed) at {@code now}: pings start. A new connection's first ping comes at a
   * random point in (interval/2, interval], so a mass reconnect does not ping in lockstep.
   */
  void start(long now, boolean spread) {
    long ping = options().pingInterval().toMillis();
    if (ping <= 0) nextPingAt = Long.MAX_VALUE;
    else nextPingAt = spread ? now + ping / 2 + ThreadLocalRandom.current().nextLong(ping / 2 + 1) : now + ping;
    stop();
  }

  /** No pong is awaited any more (the transport is gone). */
  void stop() {
    pingOutstanding = false;
    pongDeadline = 0;
  }

  /**
   * The edge's once-a-second tick for a session in {@code state}: a connect that does not come within
   * {@code client_stale_close_delay} (CONNECTING), a resume window that ran out or a token that
   * expired (DETACHED), and the CONNECTED timers.
   */
  void tick(ClientSession.State state, long now) {
    switch (state) {
      case CONNECTING -> {
        if (now >= staleDeadline) session.close(Disconnect.STALE);
      }
      case CONNECTED -> connectedTick(now);
      case DETACHED -> {
        if (!session.edge.resume.closeIfWindowOver(session, now)) closeIfExpired(now);
      }
      default -> { }
    }
  }

  /** CONNECTED: the pong deadline, the next ping, and token expiry of the connection and its subscriptions. */
  private void connectedTick(long now) {
    if (pongDeadline > 0 && now >= pongDeadline) {
      session.close(Disconnect.NO_PONG);
      return;
    }
    if (now >= nextPingAt) ping(now);
    if (closeIfExpired(now)) return;
    session.edge.subscriptions.expireSubscriptions(session, now / 1000, options().expiredCloseDelay().toSeconds());
  }

  /** Closes with 3005 when the connection token expired and was not refreshed within {@code client_expired_close_delay}. */
  private boolean closeIfExpired(long now) {
    if (session.edge.proxy.refreshesConnection(session)) {
      if (session.state() == ClientSession.State.CONNECTED) session.edge.proxy.refreshIfDue(session, now / 1000);
      return false;
    }
    long expiresAt = session.expiresAt();
    if (expiresAt <= 0 || now / 1000 <= expiresAt + options().expiredCloseDelay().toSeconds()) return false;
    session.close(Disconnect.EXPIRED);
    return true;
  }

  /** A ping now, so a just-delivered sync batch is acknowledged soon (only when pongs are on, and none is pending). */
  void probe() {
    if (pongEnabled() && !pingOutstanding) ping(System.currentTimeMillis());
  }

  private void ping(long now) {
    session.sendPing();
    pingOutstanding = true;
    nextPingAt = now + options().pingInterval().toMillis();
    long pong = options().pongTimeout().toMillis();
    if (pong > 0 && !session.transport().unidirectional()) pongDeadline = now + pong; // a unidirectional client never answers
    // The pong to this ping proves the client processed everything written before it.
    for (Subscription sub : session.subscriptions()) sub.pingSent();
  }

  /** An empty command: only an answer to a ping is a pong; anything else is a command without a request (3501). */
  void onPong() {
    if (!pingOutstanding) {
      session.badRequest("pong without a ping");
      return;
    }
    pingOutstanding = false;
    pongDeadline = 0;
    for (Subscription sub : session.subscriptions()) {
      StreamPosition written = sub.unacknowledged();
      if (written != null) acknowledge(sub, written);
    }
  }

  /** Stores {@code position} as the user's acknowledged position in {@code sub}'s channel. */
  void acknowledge(Subscription sub, StreamPosition position) {
    sub.acknowledged(position);
    Duration ttl = sub.options().streamOptions().metaTtl();
    session.edge.services.advanceSync(sub.name(), session.user(), position, ttl).onFailure(e ->
        LOG.warn("event=sync_ack_failed {} channel={} error=\"{}\"", session.describe(), sub.name(), e.getMessage()));
  }
}
