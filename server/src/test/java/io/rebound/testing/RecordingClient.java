package io.rebound.testing;

import io.rebound.client.Publication;
import io.rebound.client.ReboundClient;
import io.rebound.client.ReboundClientOptions;
import io.rebound.client.StreamPosition;
import io.rebound.client.SubscribedEvent;
import io.rebound.client.SubscriptionListener;
import io.rebound.client.SubscriptionOptions;
import io.rebound.testing.verify.Ack;
import io.rebound.testing.verify.Recorder;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Java SDK client ({@link ReboundClient}) subscribed to channels with recovery, reconnecting forever, that records
 * every subscribe result ({@code wasRecovering}/{@code recovered}, position) and every publication it hands to the
 * application into a {@link Recorder}: the input of the shared checker ({@code io.rebound.testing.verify}). The
 * publications' data must carry the publisher's identifier as {@code {"n": "<id>"}}. No session resume: every
 * reconnect recovers channel by channel, which is what the checker judges.
 */
public final class RecordingClient implements AutoCloseable {

  private final ReboundClient client;
  private final List<Channel> channels = new ArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Recorder recorder;

  private final class Channel implements SubscriptionListener {
    final String name;
    final Recorder.Subscriber log;
    volatile boolean subscribed;
    volatile String position = ""; // "epoch:offset" of the last subscribe result or publication

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
      StreamPosition p = e.position();
      if (p == null) {
        problems.add(name + ": subscribed without a stream position (the namespace must keep history and recover)");
        return;
      }
      log.subscribed(e.wasRecovering(), e.recovered(), p.offset(), p.epoch());
      position = p.epoch() + ":" + p.offset();
      subscribed = true;
    }

    @Override
    public void onPublication(Publication p) {
      log.received(p.offset(), p.data().path("n").asText());
      position = position.substring(0, position.lastIndexOf(':') + 1) + p.offset();
    }

    @Override
    public void onUnsubscribed(int code, String reason) {
      subscribed = false;
      if (code != 0) problems.add(name + ": unsubscribed for good: " + code + " " + reason);
    }
  }

  /**
   * A client called {@code name} (subscriber logs are {@code name/channel}) connecting to {@code url} with {@code
   * token}, subscribed to {@code channels}; {@link #connect()} starts it.
   */
  public RecordingClient(Vertx vertx, String name, String url, String token, List<String> channelNames, Recorder recorder) {
    this.recorder = recorder;
    this.client = ReboundClient.create(vertx, new ReboundClientOptions().url(url).token(token).name("recording")
        .resumeWindow(Duration.ZERO).reconnectTimeout(Duration.ZERO)
        .minReconnectDelay(Duration.ofMillis(100)).maxReconnectDelay(Duration.ofSeconds(1)));
    for (String channel : channelNames) {
      Channel c = new Channel(channel, recorder.subscriber(name + "/" + channel, channel));
      channels.add(c);
      client.newSubscription(channel, SubscriptionOptions.defaults().recoverable(true)).addListener(c).subscribe();
    }
  }

  public void connect() {
    client.connect();
  }

  /** Whether every subscription is subscribed now. */
  public boolean allSubscribed() {
    return channels.stream().allMatch(c -> c.subscribed);
  }

  /**
   * Whether every channel is caught up with {@code lastPayload.apply(channel)}: it is the last publication handed over,
   * or the subscription stands where the stream put that publication. The second is a subscriber that came back after
   * the publication into a new epoch: told {@code recovered: false}, it is placed at the top and never gets it.
   */
  public boolean caughtUp(java.util.function.Function<String, String> lastPayload) {
    for (Channel c : channels) if (!caughtUp(c, lastPayload.apply(c.name))) return false;
    return true;
  }

  private boolean caughtUp(Channel c, String payload) {
    var last = c.log.lastReceived();
    if (last != null && last.payload().equals(payload)) return true;
    Ack ack = recorder.ack(c.name, payload);
    return ack != null && c.position.equals(ack.epoch() + ":" + ack.offset());
  }

  /** Whether every channel is at {@code top.apply(channel)} ({@code "epoch:offset"}) by its last subscribe result or publication. */
  public boolean at(java.util.function.Function<String, String> top) {
    return channels.stream().allMatch(c -> c.position.equals(top.apply(c.name)));
  }

  /** The channels whose last publication handed over is not {@code lastPayload.apply(channel)}, each with what it is. */
  public List<String> behind(java.util.function.Function<String, String> lastPayload) {
    List<String> out = new ArrayList<>();
    for (Channel c : channels) {
      var last = c.log.lastReceived();
      if (!caughtUp(c, lastPayload.apply(c.name))) {
        out.add(c.log.name() + " at " + (last == null ? "nothing" : last.payload() + "@" + last.offset()) + (c.subscribed ? "" : " (not subscribed)")
            + " after " + c.log.recent(4));
      }
    }
    return out;
  }

  /** Subscriptions ended for good, or subscribe results without a position: each one a broken test setup. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public void close() {
    client.close();
  }
}
