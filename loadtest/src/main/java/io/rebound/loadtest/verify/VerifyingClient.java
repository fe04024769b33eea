package io.rebound.loadtest.verify;

import io.rebound.client.ClientListener;
import io.rebound.client.ConnectedEvent;
import io.rebound.client.DisconnectedEvent;
import io.rebound.client.GaveUpEvent;
import io.rebound.client.Publication;
import io.rebound.client.ReboundClient;
import io.rebound.client.ReboundClientOptions;
import io.rebound.client.ReconnectingEvent;
import io.rebound.client.StreamPosition;
import io.rebound.client.SubscribedEvent;
import io.rebound.client.SubscriptionListener;
import io.rebound.client.SubscriptionOptions;
import io.rebound.testing.verify.Recorder;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One SDK client ({@link ReboundClient}, reconnecting forever, recovering each subscription from its last position)
 * subscribed to every channel, recording in order each subscribe result (with {@code wasRecovering}/{@code recovered})
 * and each publication it hands to the application. Counts what the run's progress line shows. Events run on the
 * client's context; the counters are read from any thread.
 */
final class VerifyingClient implements ClientListener {

  private final ReboundClient client;
  private final List<Channel> channels = new ArrayList<>();
  private final Consumer<String> fatal;
  private volatile boolean connected;
  private final AtomicInteger reconnects = new AtomicInteger();

  /** One subscription's recording and where it is in its stream. */
  final class Channel implements SubscriptionListener {
    final String name;
    final Recorder.Subscriber log;
    volatile boolean subscribed;
    volatile long offset; // last offset handed over or subscribed at
    volatile String epoch = "";
    final AtomicInteger recovered = new AtomicInteger();
    final AtomicInteger explicitLosses = new AtomicInteger();

    Channel(String name, Recorder.Subscriber log) {
      this.name = name;
      this.log = log;
    }

    @Override
    public void onSubscribing(int code, String reason) {
      subscribed = false;
    }

    @Override
    public void onSubscribed(SubscribedEvent e) {
      subscribed = true;
      // A resumed session resubscribed nothing: the stream simply goes on (its position is the one it had).
      if (e.resumed()) return;
      StreamPosition p = e.position();
      if (p == null || !e.recoverable()) {
        fatal.accept("channel " + name + " is not recoverable (no stream position): use a namespace with history_size, history_ttl"
            + " and force_recovery or allow_recovery (--namespace)");
        return;
      }
      log.subscribed(e.wasRecovering(), e.recovered(), p.offset(), p.epoch());
      if (e.wasRecovering() && e.recovered()) recovered.incrementAndGet();
      if (e.wasRecovering() && !e.recovered()) explicitLosses.incrementAndGet();
      offset = p.offset();
      epoch = p.epoch();
    }

    @Override
    public void onPublication(Publication p) {
      log.received(p.offset(), p.data().path("n").asText());
      if (p.offset() > offset) offset = p.offset();
    }

    /** Final: a subscribe refused for good (the SDK retries temporary errors itself) or an unsubscribe by the server. */
    @Override
    public void onUnsubscribed(int code, String reason) {
      subscribed = false;
      if (code == 0) return;
      String hint = code == 103 ? " (is --secret the broker's token_hmac_secret_key?)" : code == 102 ? " (does --namespace exist?)" : "";
      fatal.accept("subscription to " + name + " ended: " + reason + hint);
    }
  }

  /**
   * A client named {@code user} connecting to {@code url} with {@code token}; {@code subscriptionTokens} has one token
   * per channel (so no namespace permission is needed). {@code fatal} hears of problems no reconnect can fix.
   */
  VerifyingClient(Vertx vertx, WebSocketClient ws, String url, String user, String token, List<String> channelNames,
      List<String> subscriptionTokens, Recorder recorder, VerifyOptions o, Consumer<String> fatal) {
    this.fatal = fatal;
    this.client = ReboundClient.create(vertx, ws, new ReboundClientOptions()
        .url(url)
        .token(token)
        .name("rebound-verify")
        .resumeWindow(o.resume ? Duration.ofSeconds(60) : Duration.ZERO)
        .reconnectTimeout(Duration.ZERO) // never give up: the operator's restart may take minutes
        .maxReconnectDelay(Duration.ofMillis(o.backoffMaxMs)));
    client.addListener(this);
    for (int i = 0; i < channelNames.size(); i++) {
      Channel c = new Channel(channelNames.get(i), recorder.subscriber(user + "/" + channelNames.get(i), channelNames.get(i)));
      channels.add(c);
      SubscriptionListener listener = o.dropEvery > 0 ? new LossyShim(c, o.dropEvery) : c;
      client.newSubscription(c.name, SubscriptionOptions.defaults().token(subscriptionTokens.get(i)).recoverable(true))
          .addListener(listener).subscribe();
    }
  }

  void connect() {
    client.connect();
  }

  List<Channel> channels() {
    return channels;
  }

  boolean connected() {
    return connected;
  }

  int reconnects() {
    return reconnects.get();
  }

  @Override
  public void onConnected(ConnectedEvent event) {
    connected = true;
  }

  @Override
  public void onReconnecting(ReconnectingEvent event) {
    if (event.wasConnected()) reconnects.incrementAndGet();
    connected = false;
  }

  @Override
  public void onDisconnected(DisconnectedEvent event) {
    connected = false;
    if (event.code() != ReboundClient.DISCONNECT_CALLED) fatal.accept("client stopped by the server: " + event.code() + " " + event.reason());
  }

  @Override
  public void onGaveUp(GaveUpEvent event) {
    fatal.accept("client gave up: " + event);
  }

  void close() {
    client.close();
  }
}
