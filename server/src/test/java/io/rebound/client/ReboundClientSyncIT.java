package io.rebound.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.client.ClientProtocolTest.Recorder;
import io.rebound.testing.Await;
import io.rebound.testing.NodeExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Offline user sync through the Java client: a server-side personal channel, with and without {@code sync(false)}. */
class ReboundClientSyncIT {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final String CONFIG = """
      {"namespaces": [{"name": "personal", "history_size": 100, "history_ttl": "600s",
        "allow_user_limited_channels": true, "user_sync": true, "sync_batch_size": 5, "sync_interval": "50ms"}]}
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);

  private static ReboundClient connect(String user, boolean sync, Recorder rec) {
    String token = node.sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of("personal:#" + user)));
    ReboundClient c = ReboundClient.create(node.clients(), new ReboundClientOptions()
        .url(node.wsUrl()).token(token).sync(sync)).addListener(rec);
    c.connect();
    Await.until("server-side subscription", WAIT, () -> rec.serverSubscribed.size() == 1);
    return c;
  }

  private static List<Integer> numbers(Recorder rec) {
    synchronized (rec.serverPubs) {
      return rec.serverPubs.stream().map(p -> p.data().path("n").asInt()).toList();
    }
  }

  @Test
  void offlinePublicationsArriveInOrderThroughTheClientAndAnOptOutSkipsThem() {
    String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
    String ch = "personal:#" + user;
    for (int i = 1; i <= 12; i++) node.publish(ch, i);

    // Opting out: the app loads its state elsewhere, so the backlog is skipped and the position moves to the top.
    Recorder optOut = new Recorder();
    ReboundClient skipping = connect(user, false, optOut);
    assertThat(optOut.serverSubscribed.get(0).recovered()).isFalse();
    Await.result(skipping.closeAsync());
    assertThat(optOut.serverPubs).isEmpty();

    for (int i = 13; i <= 24; i++) node.publish(ch, i);
    Recorder rec = new Recorder();
    ReboundClient c = connect(user, true, rec);
    Await.until("12 offline publications", WAIT, () -> rec.serverPubs.size() >= 12);
    node.publish(ch, 25);
    Await.until("live publication 25", WAIT, () -> rec.serverPubs.size() >= 13);
    assertThat(numbers(rec)).isEqualTo(java.util.stream.IntStream.rangeClosed(13, 25).boxed().toList());
    assertThat(rec.serverSubscribed.get(0).recovered()).isTrue();
    Await.result(c.closeAsync());
  }
}
