package io.rebound.loadtest.reconnect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rebound.client.ClientListener;
import io.rebound.client.ConnectedEvent;
import io.rebound.client.DisconnectedEvent;
import io.rebound.client.GaveUpEvent;
import io.rebound.client.Publication;
import io.rebound.client.ReboundClient;
import io.rebound.client.ReboundClientOptions;
import io.rebound.client.ReconnectingEvent;
import io.rebound.client.SubscribedEvent;
import io.rebound.client.SubscriptionListener;
import io.vertx.core.Promise;
import java.time.Duration;

/**
 * One simulated user: an {@link ReboundClient} (the Java client SDK) with a personal and a shared subscription,
 * whose events feed the run's accounting. The SDK does what centrifuge-js does — full-jitter reconnect, resubscribe
 * with {@code recover/offset/epoch}, resubscribe on an unsubscribe push with code >= 2500, a 5 s reply timeout. Session
 * resume is off unless {@code --resume}: by default this tool measures recovery from the broker's history. Confined to
 * its shard's event loop (the SDK client is created there, so its events run there too).
 *
 * <p>How the SDK reports a reconnect to this class, per path (each subscription is counted once per reconnect):
 * <ul>
 *   <li>connection lost: {@code onSubscribing(code)} for each subscribed subscription, then {@code onReconnecting};
 *   <li>resume accepted: {@code onSubscribed(resumed=true, wasRecovering=true, recovered=true)} for each of them
 *       (no subscribe was sent), <em>then</em> {@code onConnected(resumed=true)}; the missed messages follow the
 *       connect reply and arrive as ordinary publications;
 *   <li>resume refused, or no resume: {@code onConnected(resumed=false)} first, then each subscription's subscribe
 *       reply arrives as {@code onSubscribed(resumed=false, wasRecovering, recovered)} with the missed publications.
 * </ul>
 * So "ready" (connected and both subscribed) can be reached in either handler; {@link #checkReady()} runs in both.
 */
final class ReconnectingClient implements ClientListener {

  /** The centrifuge-js per-call timeout: no connect/subscribe reply within it means reconnect. */
  static final long HANDSHAKE_TIMEOUT_MS = 5000;

  private final ReconnectStats stats;
  private final boolean resume;
  private final ReboundClient client;
  final SubscriptionState[] subs;
  /** Completes the first time the client is connected and subscribed (the initial ramp waits for it). */
  final Promise<Void> firstReady = Promise.promise();
  private boolean connected;
  /** Connected at least once: a later connect is a reconnect (which, with --resume, asked to resume). */
  private boolean everConnected;
  private boolean closed;
  /** Disruption generation this client is recovering from; 0 = not recovering. */
  private int recoveringFrom;
  private long cutNoticedNanos; // when this client noticed the cut of generation recoveringFrom

  /**
   * Must run on the shard's context. {@code token} null: connects without one, as {@code user} in the
   * connect data (the nodes' connect hook reads it).
   */
  ReconnectingClient(ClientShard shard, String token, String user, SubscriptionState personal, SubscriptionState shared) {
    this.stats = shard.stats();
    this.subs = new SubscriptionState[] {personal, shared};
    MassReconnectOptions o = shard.options();
    this.resume = o.resume;
    client = ReboundClient.create(shard.vertx(), shard.client(), new ReboundClientOptions()
        .url(shard.url())
        .token(token)
        .data(token == null ? JsonNodeFactory.instance.objectNode().put("user", user) : null)
        .name("massreconnect")
        // Off: measure per-channel recovery from history. --resume: the session survives the cut on the server.
        .resumeWindow(o.resume ? Duration.ofSeconds(o.resumeWindowS) : Duration.ZERO)
        .reconnectTimeout(Duration.ZERO) // never give up: every client must come back
        .minReconnectDelay(Duration.ofMillis(o.backoffMinMs))
        .maxReconnectDelay(Duration.ofMillis(o.backoffMaxMs))
        .timeout(Duration.ofMillis(o.timeoutMs)));
    client.addListener(this);
    for (SubscriptionState s : subs) client.newSubscription(s.channel).addListener(new Accounting(s)).subscribe();
  }

  void connect() {
    stats.connectAttempts.increment();
    client.connect();
  }

  boolean ready() {
    return connected && subs[0].subscribed && subs[1].subscribed;
  }

  void close() {
    closed = true;
    if (connected) stats.connected.decrementAndGet();
    connected = false;
    client.close();
  }

  @Override
  public void onConnected(ConnectedEvent event) {
    connected = true;
    stats.connected.incrementAndGet();
    if (event.resumed()) {
      stats.resumed.increment();
    } else if (resume && everConnected) {
      // The SDK asked to resume (it had a session) and the server started a new one: window over, buffer evicted,
      // another node. Its subscriptions now resubscribe with recovery and are counted as recovered/unrecovered.
      stats.resumeRefused.increment();
    }
    everConnected = true;
    checkReady();
  }

  @Override
  public void onReconnecting(ReconnectingEvent event) {
    stats.connectAttempts.increment(); // each event schedules one more attempt
    stats.reconnectReason(event.code(), event.reason());
    if (event.wasConnected()) {
      connected = false;
      stats.connected.decrementAndGet();
      stats.disconnects.increment();
    }
    int gen = stats.generation();
    if (gen > 0 && recoveringFrom != gen) {
      recoveringFrom = gen;
      cutNoticedNanos = System.nanoTime();
      stats.affected(gen);
      stats.noticedCut(gen, cutNoticedNanos);
    }
  }

  @Override
  public void onDisconnected(DisconnectedEvent event) {
    if (closed) return;
    if (connected) stats.connected.decrementAndGet();
    connected = false;
    stats.error("client stopped: " + event.code() + " " + event.reason());
  }

  @Override
  public void onGaveUp(GaveUpEvent event) {
    stats.error("client gave up: " + event);
  }

  @Override
  public void onError(Throwable error) {
    stats.error("connect: " + error.getMessage());
  }

  private void checkReady() {
    if (!ready()) return;
    firstReady.tryComplete();
    if (recoveringFrom != 0) stats.recoveredFrom(recoveringFrom, cutNoticedNanos);
    recoveringFrom = 0;
  }

  /** One subscription's events into the run's counters. */
  private final class Accounting implements SubscriptionListener {
    private final SubscriptionState s;

    Accounting(SubscriptionState s) {
      this.s = s;
    }

    @Override
    public void onSubscribing(int code, String reason) {
      s.subscribed = false;
      if (code >= 2500) stats.insufficientState.increment(); // an unsubscribe push asking to resubscribe
    }

    @Override
    public void onSubscribed(SubscribedEvent e) {
      s.subscribed = true;
      if (e.resumed()) {
        // The session went on: nothing was resubscribed, and the messages written while away follow the connect
        // reply from the server's session buffer. No gap, so this subscription counts as recovered.
        stats.resumedSubscriptions.increment();
      } else if (e.wasRecovering()) {
        if (e.recovered()) {
          stats.recovered.increment();
        } else {
          // The app would reload this channel's state from its database: counted apart, never as loss.
          stats.unrecovered.increment();
          s.lastSeq = SubscriptionState.UNKNOWN;
        }
      } else {
        stats.freshSubscribes.increment();
      }
      checkReady();
    }

    @Override
    public void onUnsubscribed(int code, String reason) {
      s.subscribed = false;
      if (closed) return;
      stats.insufficientState.increment();
      stats.error("unsubscribed from " + s.channel + ": " + code + " " + reason);
    }

    @Override
    public void onPublication(Publication p) {
      s.accept(p, stats);
    }

    @Override
    public void onError(Throwable error) {
      stats.error("subscribe " + s.channel + ": " + error.getMessage());
    }
  }
}
