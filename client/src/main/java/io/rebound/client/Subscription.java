package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.protocol.UnsubscribeCode;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A client-side subscription to one channel, created with {@link ReboundClient#newSubscription}. It keeps its stream
 * position and recovers across reconnects by itself: publications reach the listeners in offset order, each once.
 * Methods may be called from any thread; listeners run on the client's context.
 */
public final class Subscription {

  private final ReboundClient client;
  private final ClientEngine engine;
  private final String channel;
  private final SubscriptionOptions options;
  private final List<SubscriptionListener> listeners = new CopyOnWriteArrayList<>();
  private volatile SubscriptionState state = SubscriptionState.UNSUBSCRIBED;
  private volatile StreamPosition position;

  // Confined to the client's context.
  private final StreamTracker stream;
  private final Backoff backoff;
  private PendingCommand pending;
  /** A subscribe went to the current session: the server may hold this subscription. */
  private boolean serverMayHave;
  /** Was subscribed when the connection was lost: a resumed session continues it without a resubscribe. */
  private boolean resumable;
  private int resubscribeAttempt;
  private long resubscribeTimer = -1;

  Subscription(ReboundClient client, ClientEngine engine, String channel, SubscriptionOptions options) {
    this.client = client;
    this.engine = engine;
    this.channel = channel;
    this.options = Objects.requireNonNull(options);
    this.stream = new StreamTracker(options.since());
    this.position = stream.position();
    ReboundClientOptions o = engine.options;
    this.backoff = new Backoff(o.minReconnectDelay().toMillis(), o.maxReconnectDelay().toMillis(),
        o.random() != null ? o.random() : new Random());
  }

  public String channel() {
    return channel;
  }

  public SubscriptionState state() {
    return state;
  }

  /** The position of the last publication delivered (or of the subscribe result); null when the channel is not positioned. */
  public StreamPosition position() {
    return position;
  }

  public Subscription addListener(SubscriptionListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    return this;
  }

  public Subscription removeListener(SubscriptionListener listener) {
    listeners.remove(listener);
    return this;
  }

  /** Starts subscribing (now if connected, else once connected). No-op unless {@link SubscriptionState#UNSUBSCRIBED}. */
  public void subscribe() {
    engine.ctx.run(() -> {
      if (state != SubscriptionState.UNSUBSCRIBED) return;
      setSubscribing(0, "subscribe called");
      if (engine.connected()) sendSubscribe();
    });
  }

  /** Stops the subscription (the server is told if it may hold it). Listeners get {@code onUnsubscribed(0, …)}. */
  public void unsubscribe() {
    engine.ctx.run(() -> {
      if (state == SubscriptionState.UNSUBSCRIBED) return;
      cancelResubscribe();
      boolean wasAwaiting = pending != null;
      pending = null;
      resumable = false;
      if (serverMayHave && engine.state != ClientState.DISCONNECTED && engine.state != ClientState.GAVE_UP) {
        engine.writer.send(engine.commands.add("unsubscribe", Wire.object().put("channel", channel), PendingCommand.Kind.UNSUBSCRIBE,
            (res, err) -> { }));
      }
      serverMayHave = false;
      toUnsubscribed(0, "unsubscribe called");
      if (wasAwaiting) engine.writer.subscriptionSettled();
    });
  }

  /** Publishes to this channel (see {@link ReboundClient#publish}). */
  public Future<Void> publish(Object data) {
    return client.publish(channel, data);
  }

  public Future<HistoryResult> history(HistoryOptions history) {
    return client.history(channel, history);
  }

  /** The publications a {@link Discontinuity} of this subscription skipped (see {@link ReboundClient#missedPublications}). */
  public Future<List<Publication>> missedPublications(Discontinuity d, int pageSize) {
    return client.missedPublications(d, pageSize);
  }

  public Future<Map<String, ClientInfo>> presence() {
    return client.presence(channel);
  }

  public Future<PresenceStats> presenceStats() {
    return client.presenceStats(channel);
  }

  // ---- driven by the engine, on the client's context

  private void sendSubscribe() {
    cancelResubscribe();
    ObjectNode req = Wire.object().put("channel", channel);
    if (options.token() != null) req.put("token", options.token());
    stream.addRecovery(req);
    if (options.recoverable()) req.put("recoverable", true);
    if (options.positioned()) req.put("positioned", true);
    if (options.joinLeave()) req.put("join_leave", true);
    PendingCommand[] self = new PendingCommand[1];
    self[0] = engine.commands.add("subscribe", req, PendingCommand.Kind.SUBSCRIBE, (res, err) -> subscribeReply(self[0], res, err));
    pending = self[0];
    serverMayHave = true;
    engine.writer.send(pending);
  }

  /** Whether a subscribe of this subscription waits for its reply. */
  boolean awaitingReply() {
    return pending != null;
  }

  private void subscribeReply(PendingCommand c, JsonNode result, Throwable error) {
    if (c != pending) return; // superseded (unsubscribed, new session, client stopped)
    pending = null;
    try {
      handleSubscribeReply(result, error);
    } finally {
      engine.writer.subscriptionSettled();
    }
  }

  private void handleSubscribeReply(JsonNode result, Throwable error) {
    if (error != null) {
      if (!(error instanceof ReplyException re)) return;
      emit(l -> l.onError(re));
      serverMayHave = false;
      if (re.retryable() || re.tokenExpired()) {
        resubscribeTimer = engine.ctx.timer(backoff.delayMs(resubscribeAttempt++), () -> {
          resubscribeTimer = -1;
          if (state == SubscriptionState.SUBSCRIBING && pending == null && engine.connected()) sendSubscribe();
        });
      } else {
        toUnsubscribed(re.code(), error.getMessage());
      }
      return;
    }
    resubscribeAttempt = 0;
    List<Publication> pubs = stream.subscribed(channel, result);
    position = stream.position();
    state = SubscriptionState.SUBSCRIBED;
    SubscribedEvent event = new SubscribedEvent(channel, result.path("was_recovering").asBoolean(false),
        result.path("recovered").asBoolean(false), false, stream.recover, position, result.get("data"));
    emit(l -> l.onSubscribed(event));
    for (Publication p : pubs) {
      if (state != SubscriptionState.SUBSCRIBED) return;
      emit(l -> l.onPublication(p));
    }
  }

  void publication(JsonNode pub) {
    if (state != SubscriptionState.SUBSCRIBED || !stream.accept(pub)) return;
    if (stream.tracked) position = new StreamPosition(stream.offset, stream.epoch);
    Publication p = Wire.publication(channel, pub);
    emit(l -> l.onPublication(p));
  }

  void join(ClientInfo info) {
    if (state == SubscriptionState.SUBSCRIBED) emit(l -> l.onJoin(info));
  }

  void leave(ClientInfo info) {
    if (state == SubscriptionState.SUBSCRIBED) emit(l -> l.onLeave(info));
  }

  /**
   * Server {@code unsubscribe} push: final unless {@link UnsubscribeCode#resubscribe(int)}, which resubscribes with
   * recovery ({@link UnsubscribeCode#STATE_INVALIDATED} first forgets the position, which is unusable).
   */
  void unsubscribePush(int code, String reason) {
    if (state == SubscriptionState.UNSUBSCRIBED) return;
    serverMayHave = false;
    pending = null;
    if (!UnsubscribeCode.resubscribe(code)) {
      toUnsubscribed(code, reason);
      engine.writer.subscriptionSettled();
      return;
    }
    if (code == UnsubscribeCode.STATE_INVALIDATED) {
      stream.invalidate();
      position = stream.position();
    }
    setSubscribing(code, reason);
    if (engine.connected()) sendSubscribe();
  }

  void discontinuity(Discontinuity d) {
    if (state != SubscriptionState.SUBSCRIBED) return;
    stream.attach(d.attach());
    position = stream.position();
    emit(l -> l.onDiscontinuity(d));
  }

  void connectionLost(int code, String reason) {
    cancelResubscribe();
    if (state == SubscriptionState.SUBSCRIBED) {
      resumable = true;
      setSubscribing(code, reason);
    }
  }

  /** The session was resumed: a subscription that was active continues; one still waiting is (re)sent. */
  void resumed() {
    if (state != SubscriptionState.SUBSCRIBING) return;
    if (resumable && pending == null) {
      resumable = false;
      state = SubscriptionState.SUBSCRIBED;
      SubscribedEvent event = new SubscribedEvent(channel, true, true, true, stream.recover, position, null);
      emit(l -> l.onSubscribed(event));
    } else if (pending == null) {
      sendSubscribe();
    }
  }

  /** Connected: a subscription still waiting without a subscribe in flight sends one. */
  void sendIfWaiting() {
    if (state == SubscriptionState.SUBSCRIBING && pending == null && resubscribeTimer < 0) sendSubscribe();
  }

  /** A new session (first connect, or resume refused): subscribe again, recovering from the position. */
  void newSession() {
    resumable = false;
    serverMayHave = false;
    pending = null;
    if (state == SubscriptionState.SUBSCRIBING) sendSubscribe();
  }

  /** The client stopped (disconnect, gave up): the subscription waits for the next connect, keeping its position. */
  void clientStopped() {
    cancelResubscribe();
    pending = null;
    resumable = false;
    serverMayHave = false;
  }

  private void setSubscribing(int code, String reason) {
    state = SubscriptionState.SUBSCRIBING;
    emit(l -> l.onSubscribing(code, reason));
  }

  private void toUnsubscribed(int code, String reason) {
    state = SubscriptionState.UNSUBSCRIBED;
    emit(l -> l.onUnsubscribed(code, reason));
  }

  private void cancelResubscribe() {
    resubscribeTimer = engine.ctx.cancel(resubscribeTimer);
  }

  private void emit(Consumer<SubscriptionListener> event) {
    engine.ctx.emit(listeners, event, channel);
  }
}
