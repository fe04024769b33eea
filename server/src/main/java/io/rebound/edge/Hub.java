package io.rebound.edge;

import io.rebound.edge.session.ClientSession;
import io.rebound.edge.session.EdgeServices;
import io.rebound.edge.session.SessionHandlers;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.FanoutReceiver;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.StreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.recovery.Continuity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This edge's channel → sessions registry and the fan-out into it. Confined to the edge's event loop;
 * it never talks to storage except through {@link EdgeServices} to fill an ordering gap.
 *
 * <p>Publications are released per channel in offset order ({@link ChannelOrder}). One that arrives
 * ahead of a gap is held for {@link #GAP_TIMEOUT_MS}; if the gap has not closed by then it is filled
 * from history, and if history cannot fill it every subscriber of the channel is told to resubscribe
 * (it then recovers or learns {@code recovered:false}). Never a silent skip.
 *
 * <p>A channel's first subscriber on this edge takes the edge's interest in it from the {@link
 * Broadcaster} and its last one releases it, so the node receives only the channels it has
 * subscribers of, and of those this edge's loop only the ones subscribed here.
 */
final class Hub {

  static final long GAP_TIMEOUT_MS = 300;
  /** How long a history read that fails (engine unreachable) is retried before continuity is declared lost. */
  static final long READ_RETRY_WINDOW_MS = 10_000;

  private final EdgeServices services;
  private final SessionHandlers sessions;
  private final Broadcaster interest;
  /** Where the broadcaster hands this edge's messages ({@link #onFanout}, by way of the edge). */
  private final FanoutReceiver receiver;
  private final Map<String, Channel> channels = new HashMap<>();

  Hub(EdgeServices services, SessionHandlers sessions, Broadcaster interest, FanoutReceiver receiver) {
    this.services = services;
    this.sessions = sessions;
    this.interest = interest;
    this.receiver = receiver;
  }

  private static final class Channel {
    // The name its first subscriber resolved: later subscribers of this edge share that very instance (RecentChannels),
    // so looking their subscription up with it is an identity check, not a comparison of characters per delivery.
    final String name;
    final Set<ClientSession> sessions = new LinkedHashSet<>();
    final ChannelOrder order = new ChannelOrder();
    ClientSession[] snapshot;
    long gapTimer = -1;
    boolean filling;

    Channel(String name) {
      this.name = name;
    }

    ClientSession[] sessions() {
      if (snapshot == null) snapshot = sessions.toArray(new ClientSession[0]);
      return snapshot;
    }
  }

  void add(String channel, ClientSession session) {
    Channel ch = channels.get(channel);
    if (ch == null) {
      channels.put(channel, ch = new Channel(channel));
      interest.interest(channel, receiver); // its routing is awaited by the subscribe (Broadcaster#routed)
    }
    if (ch.sessions.add(session)) ch.snapshot = null;
  }

  void remove(String channel, ClientSession session) {
    Channel ch = channels.get(channel);
    if (ch == null) return;
    if (ch.sessions.remove(session)) ch.snapshot = null;
    if (ch.sessions.isEmpty()) {
      if (ch.gapTimer >= 0) services.vertx().cancelTimer(ch.gapTimer);
      channels.remove(channel);
      interest.release(channel, receiver);
    }
  }

  /** A positioned subscriber of {@code channel} is at (offset, epoch): seeds the ordering baseline. */
  void position(String channel, String epoch, long offset) {
    Channel ch = channels.get(channel);
    if (ch != null) ch.order.seed(epoch, offset);
  }

  int channelCount() {
    return channels.size();
  }

  /** Channel → number of local subscribers. */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new HashMap<>();
    channels.forEach((name, ch) -> out.put(name, ch.sessions.size()));
    return out;
  }

  void onFanout(FanoutMessage msg) {
    Channel ch = channels.get(msg.channel());
    if (ch == null) return;
    if (msg.kind() != FanoutMessage.Kind.PUBLICATION) {
      for (ClientSession s : ch.sessions()) sessions.joinLeave(s, msg);
      return;
    }
    ChannelOrder.Outcome outcome = ch.order.offer(msg);
    switch (outcome.verdict()) {
      case RELEASED, EPOCH_CHANGED -> deliver(ch, outcome.release());
      case HELD -> armGapTimer(msg.channel(), ch);
      case OVERFLOW -> lostContinuity(msg.channel(), ch);
      case DUPLICATE -> { }
    }
  }

  private void deliver(Channel ch, List<FanoutMessage> messages) {
    int delivered = 0;
    for (FanoutMessage m : messages) {
      for (ClientSession s : ch.sessions()) if (sessions.publication(s, ch.name, m)) delivered++;
    }
    if (delivered > 0) services.metrics().delivered(delivered);
  }

  private void armGapTimer(String channel, Channel ch) {
    if (ch.gapTimer >= 0 || ch.filling) return;
    ch.gapTimer = services.vertx().setTimer(GAP_TIMEOUT_MS, id -> {
      ch.gapTimer = -1;
      if (channels.get(channel) == ch && ch.order.hasGap()) fillGap(channel, ch);
    });
  }

  private void fillGap(String channel, Channel ch) {
    long last = ch.order.lastReleased();
    int missing = (int) Math.min(Integer.MAX_VALUE, ch.order.firstHeld() - last - 1);
    ch.filling = true;
    StreamPosition from = new StreamPosition(last, ch.order.epoch());
    readRetrying(channel, HistoryQuery.since(from, missing), sessions.streamOptions(ch.sessions()[0], channel))
        .onComplete(ar -> {
          ch.filling = false;
          if (channels.get(channel) != ch || !ch.order.hasGap()) return;
          if (ar.failed() || !Continuity.epochMatches(from, ar.result().top())) {
            lostContinuity(channel, ch);
            return;
          }
          List<FanoutMessage> recovered = new ArrayList<>(ar.result().publications().size());
          for (Publication p : ar.result().publications()) {
            recovered.add(FanoutMessage.publication(channel, p, ar.result().top().epoch()));
          }
          ChannelOrder.Fill fill = ch.order.fill(recovered, last);
          switch (fill.status()) {
            case FILLED -> {
              services.metrics().gapFilled();
              deliver(ch, fill.released());
              if (ch.order.hasGap()) armGapTimer(channel, ch);
            }
            case STALE -> fillGap(channel, ch); // the gap moved while we read: read the current one
            case LOST -> lostContinuity(channel, ch);
          }
        });
  }

  /**
   * The transport may have dropped publications (a Redis pub/sub reconnect): for every channel with
   * a known position, read what came after it and release it, or tell subscribers to recover.
   */
  void resync() {
    for (Map.Entry<String, Channel> e : new ArrayList<>(channels.entrySet())) {
      Channel ch = e.getValue();
      if (ch.order.lastReleased() < 0 || ch.filling) continue;
      String channel = e.getKey();
      ch.filling = true;
      StreamPosition from = new StreamPosition(ch.order.lastReleased(), ch.order.epoch());
      readRetrying(channel, HistoryQuery.since(from, ChannelOrder.MAX_HELD), sessions.streamOptions(ch.sessions()[0], channel))
          .onComplete(ar -> {
            ch.filling = false;
            if (channels.get(channel) != ch) return;
            if (ar.failed() || !Continuity.epochMatches(from, ar.result().top())) {
              lostContinuity(channel, ch);
              return;
            }
            for (Publication p : ar.result().publications()) {
              onFanout(FanoutMessage.publication(channel, p, ar.result().top().epoch()));
            }
            if (ar.result().top().offset() > ch.order.lastReleased() && !ch.order.hasGap()) lostContinuity(channel, ch);
          });
    }
  }

  /**
   * Reads history, retrying failures (an unreachable engine, typically right after the transport
   * itself came back) with backoff for {@link #READ_RETRY_WINDOW_MS}: a blip of the store must not
   * make every subscriber resubscribe. Only a proven loss (trimmed, new epoch) or an engine that
   * stays away ends continuity.
   */
  private Future<HistoryResult> readRetrying(String channel, HistoryQuery query, StreamOptions options) {
    Promise<HistoryResult> promise = Promise.promise();
    attemptRead(channel, query, options, System.currentTimeMillis() + READ_RETRY_WINDOW_MS, 100, promise);
    return promise.future();
  }

  private void attemptRead(String channel, HistoryQuery query, StreamOptions options, long deadline, long backoffMs, Promise<HistoryResult> promise) {
    services.history(channel, query, options).onComplete(ar -> {
      if (ar.succeeded() || System.currentTimeMillis() + backoffMs > deadline || !channels.containsKey(channel)) {
        promise.handle(ar);
        return;
      }
      services.vertx().setTimer(backoffMs, id -> attemptRead(channel, query, options, deadline, Math.min(backoffMs * 2, 2_000), promise));
    });
  }

  /** The gap cannot be filled: every positioned subscriber must resubscribe and recover. */
  private void lostContinuity(String channel, Channel ch) {
    ch.order.clear();
    for (ClientSession s : ch.sessions()) sessions.insufficientState(s, channel);
  }
}
