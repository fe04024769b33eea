package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.centrifugal.centrifuge.Client;
import io.github.centrifugal.centrifuge.ConnectedEvent;
import io.github.centrifugal.centrifuge.ConnectingEvent;
import io.github.centrifugal.centrifuge.DisconnectedEvent;
import io.github.centrifugal.centrifuge.EventListener;
import io.github.centrifugal.centrifuge.Options;
import io.github.centrifugal.centrifuge.PublicationEvent;
import io.github.centrifugal.centrifuge.SubscribedEvent;
import io.github.centrifugal.centrifuge.Subscription;
import io.github.centrifugal.centrifuge.SubscriptionEventListener;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end with Centrifugal's own Java SDK ({@code centrifuge-java} 0.4.1, unmodified), which
 * speaks only the Protobuf protocol (subprotocol {@code centrifuge-protobuf}): connect with a token,
 * subscribe, receive, lose every connection at a TCP proxy (a balancer reload) while publications
 * go on, and come back recovered with every publication once and in order; missing more than the
 * history keeps comes back {@code recovered: false}.
 */
class CentrifugeJavaIT {

  static final String CONFIG = """
      {
        "name": "e2e-centrifuge-java",
        "engine": "memory",
        "namespaces": [
          {"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true},
          {"name": "small", "history_size": 5, "history_ttl": "600s", "force_recovery": true,
           "allow_subscribe_for_client": true}
        ]
      }
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  /** What the SDK reported, in the order it reported it (its callbacks run on its own thread). */
  static final class Observed {
    final List<Object> clientEvents = new CopyOnWriteArrayList<>();
    final List<SubscribedEvent> subscribed = new CopyOnWriteArrayList<>();
    final List<PublicationEvent> publications = new CopyOnWriteArrayList<>();

    List<Integer> numbers() {
      List<Integer> out = new ArrayList<>();
      for (PublicationEvent p : publications) {
        try {
          out.add(JSON.readTree(p.getData()).path("n").asInt());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return out;
    }

    List<Long> offsets() {
      return publications.stream().map(PublicationEvent::getOffset).toList();
    }

    long count(Class<?> event) {
      return clientEvents.stream().filter(event::isInstance).count();
    }
  }

  private Client connect(TcpProxy proxy, String user, String channel, Observed seen) throws Exception {
    Options options = new Options();
    options.setToken(node.token(user));
    options.setMinReconnectDelay(50);
    options.setMaxReconnectDelay(300);
    Client client = new Client(proxy.wsUrl(), options, new EventListener() {
      @Override public void onConnecting(Client c, ConnectingEvent e) { seen.clientEvents.add(e); }
      @Override public void onConnected(Client c, ConnectedEvent e) { seen.clientEvents.add(e); }
      @Override public void onDisconnected(Client c, DisconnectedEvent e) { seen.clientEvents.add(e); }
    });
    open.add(() -> {
      client.disconnect();
      client.close(5_000);
    });
    Subscription sub = client.newSubscription(channel, new SubscriptionEventListener() {
      @Override public void onSubscribed(Subscription s, SubscribedEvent e) { seen.subscribed.add(e); }
      @Override public void onPublication(Subscription s, PublicationEvent e) { seen.publications.add(e); }
    });
    sub.subscribe();
    client.connect();
    Await.until("centrifuge-java subscribed to " + channel, TIMEOUT, () -> !seen.subscribed.isEmpty());
    return client;
  }

  private TcpProxy proxy() {
    return open.add(TcpProxy.start(node.clients(), List.of(node.port())));
  }

  /** Cuts every connection and keeps the SDK's reconnects waiting at the proxy until {@link TcpProxy#release()}. */
  private static void cutAndHold(TcpProxy proxy, Observed seen) {
    long connectingBefore = seen.count(ConnectingEvent.class);
    proxy.hold();
    proxy.dropAll();
    Await.until("the SDK notices the cut", TIMEOUT, () -> seen.count(ConnectingEvent.class) > connectingBefore);
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= to; i++) out.add(i);
    return out;
  }

  @Test
  void cutWhilePublishingRecoversEveryPublicationOnceInOrder() throws Exception {
    String ch = name.in("rec");
    int total = 300;
    TcpProxy proxy = proxy();
    Observed seen = new Observed();
    connect(proxy, "alice", ch, seen);
    assertThat(seen.subscribed.get(0).getRecoverable()).isTrue();

    try (SdkRecoveryIT.Publisher pub = new SdkRecoveryIT.Publisher(node.running(), ch)) {
      pub.allowUpTo(60);
      Await.until("10 live publications", TIMEOUT, () -> seen.publications.size() >= 10);
      cutAndHold(proxy, seen);
      // Published while the SDK certainly cannot reach the node.
      int atOutage = pub.published.get();
      pub.allowUpTo(Math.max(60, atOutage) + 60);
      pub.awaitPublished(Math.max(60, atOutage) + 60);
      // Still publishing while it reconnects and recovers.
      pub.allowUpTo(total);
      proxy.release();
      pub.awaitPublished(total);
      Await.until("all " + total + " publications", TIMEOUT, () -> seen.publications.size() >= total);
    }
    assertThat(seen.subscribed).hasSize(2);
    SubscribedEvent back = seen.subscribed.get(1);
    assertThat(back.wasRecovering()).isTrue();
    assertThat(back.getRecovered()).as("recovered after the cut").isTrue();
    assertThat(seen.numbers()).isEqualTo(range(1, total));
    assertThat(seen.offsets()).isEqualTo(range(1, total).stream().map(Integer::longValue).toList());
    assertThat(seen.count(DisconnectedEvent.class)).as("the SDK never gave up").isZero();
  }

  @Test
  void missingMoreThanHistoryKeepsComesBackNotRecovered() throws Exception {
    String ch = name.in("small");
    TcpProxy proxy = proxy();
    Observed seen = new Observed();
    connect(proxy, "alice", ch, seen);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    Await.until("3 publications", TIMEOUT, () -> seen.publications.size() >= 3);

    cutAndHold(proxy, seen);
    for (int i = 4; i <= 13; i++) node.publish(ch, i); // history keeps 9..13: 4..8 are lost
    proxy.release();
    Await.until("subscribed again", TIMEOUT, () -> seen.subscribed.size() >= 2);
    SubscribedEvent back = seen.subscribed.get(1);
    assertThat(back.wasRecovering()).isTrue();
    assertThat(back.getRecovered()).isFalse();

    node.publish(ch, 14);
    Await.until("publication 14", TIMEOUT, () -> seen.numbers().contains(14));
    assertThat(seen.numbers()).as("no partial replay, then live from the top").containsExactly(1, 2, 3, 14);
    assertThat(seen.offsets()).containsExactly(1L, 2L, 3L, 14L);
  }
}
