package io.rebound.edge.session;

import io.rebound.codec.Push;
import io.rebound.core.HistoryQuery;
import io.rebound.core.StreamPosition;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.UnsubscribeCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-subscription continuity: a publication is written only if it is the next one of the
 * subscription's stream ({@link Subscription#accept}); when continuity is lost — a gap, a new epoch,
 * an unfillable gap on the edge, a buffer that gave up — the subscription is ended with {@code
 * unsubscribe} 2500 so the client resubscribes and recovers (a server-side one: the connection with
 * 3010), or, for a connection that asked for discontinuity signalling, re-attached at the stream's
 * top with a {@code discontinuity} push saying what was missed. Never a silent skip. Shared by an
 * edge's sessions; event-loop confined.
 */
final class ContinuityHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ContinuityHandler.class);

  private final SessionHandlers edge;

  ContinuityHandler(SessionHandlers edge) {
    this.edge = edge;
  }

  /**
   * Writes {@code msg} if it is the next one for {@code sub}: duplicates are dropped, and a gap or
   * an epoch change ends continuity. True when written.
   */
  boolean deliver(SessionContext session, Subscription sub, FanoutMessage msg) {
    switch (sub.accept(msg)) {
      case DELIVER -> {
        session.write(msg);
        // The user's position moved: a ping soon, so its pong stores it (Keepalive.syncDelivered).
        if (sub.userSync() && msg.offset() > 0) session.syncDelivered();
        return true;
      }
      case DISCONTINUOUS -> insufficientState(session, sub.name());
      case DUPLICATE -> { }
    }
    return false;
  }

  /** Continuity of {@code channel} is lost: client-side subscriptions resubscribe, server-side ones reconnect. */
  void insufficientState(SessionContext session, String channel) {
    Subscription sub = session.subscription(channel);
    if (sub == null) return;
    edge.services.metrics().insufficientState();
    LOG.info("event=insufficient_state {} channel={} server_side={}", session.describe(), channel, sub.serverSide());
    if (session.wantsDiscontinuity() && sub.positioned() && sub.live() && !sub.syncing()) {
      reattach(session, sub);
      return;
    }
    end(session, sub);
  }

  private void end(SessionContext session, Subscription sub) {
    if (sub.serverSide()) {
      session.close(Disconnect.INSUFFICIENT_STATE);
      return;
    }
    edge.subscriptions.drop(session, sub);
    // emit, not a direct write: a detached session has no outbound path, the push is numbered for its resume.
    session.push(new Push.Unsubscribe(sub.name(), UnsubscribeCode.INSUFFICIENT_STATE, "insufficient state"));
  }

  /**
   * Discontinuity signalling: the subscription stays, re-established at the stream's current top.
   * Live publications are buffered from now on, the top is read, and the client is told what it
   * missed — {@code (since, attach]} — before anything after the new attach point.
   */
  private void reattach(SessionContext session, Subscription sub) {
    String channel = sub.name();
    StreamPosition since = sub.reattach();
    edge.services.history(channel, HistoryQuery.topOnly(), sub.options().streamOptions()).onComplete(ar -> {
      if (session.subscription(channel) != sub || !session.active()) return;
      if (ar.failed()) {
        // Not even the top is readable: fall back to ending the subscription, the client recovers.
        sub.reattachFailed();
        end(session, sub);
        return;
      }
      StreamPosition top = ar.result().top();
      sub.attach(top);
      String reason = top.epoch().equals(since.epoch()) ? "gap" : "epoch";
      edge.services.metrics().discontinuity();
      session.push(new Push.Discontinuity(channel, reason, since, top));
      edge.subscriptions.releaseBuffered(session, sub);
    });
  }

  /**
   * The outbound queue overflowed and its publications were dropped (discontinuity mode): each
   * affected subscription is re-attached at its current position and told what it missed.
   */
  boolean onDropped(SessionContext session, List<FanoutMessage> dropped) {
    Map<String, Long> firstDropped = new LinkedHashMap<>();
    for (FanoutMessage m : dropped) {
      firstDropped.merge(m.channel(), m.offset() > 0 ? m.offset() : Long.MAX_VALUE, Math::min);
    }
    LOG.info("event=overflow_dropped {} publications={} channels={}", session.describe(), dropped.size(), firstDropped.size());
    for (Map.Entry<String, Long> e : firstDropped.entrySet()) {
      Subscription sub = session.subscription(e.getKey());
      if (sub == null) continue;
      StreamPosition at = sub.position();
      long since = e.getValue() == Long.MAX_VALUE ? at.offset() : e.getValue() - 1;
      sub.attach(at);
      edge.services.metrics().discontinuity();
      session.push(new Push.Discontinuity(sub.name(), "overflow", new StreamPosition(since, at.epoch()), at));
    }
    return true;
  }
}
