package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.RawClient;
import io.rebound.testing.SdkClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page reload in offline user sync, as a new user would try it with the real {@code centrifuge} SDK: a publication
 * arrives live, the page reloads a second later (a new client instance, token with the {@code channels} claim), and
 * the new instance gets exactly what it missed, nothing twice — because the live publication was acknowledged at once
 * ({@code client_sync_ack_delay}), not at the regular ping 25 s later. And the other side of the promise: a client that
 * never answered the ping after a publication (it crashed) gets that publication again.
 */
class SyncAckSdkIT {

  // The default ping interval (25 s): a new connection's first regular ping comes 12.5-25 s after connect, so within
  // the waits below only the prompt acknowledgement ping can store a live publication's position.
  private static final String CONFIG = """
      {"client_ping_interval": "25s", "client_pong_timeout": "8s",
       "namespaces": [{"name": "personal", "history_size": 1000, "history_ttl": "600s",
         "allow_user_limited_channels": true, "user_sync": true}]}
      """;
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();

  private static String personal(String user) {
    return "personal:#" + user;
  }

  private static String user(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A connection token whose {@code channels} claim subscribes the user to their personal channel (server-side). */
  private static String token(String user) {
    return node.running().sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600, "channels", List.of(personal(user))));
  }

  private SdkClient instance(String user, int n) {
    return open.add(SdkClient.driver("sync-ack-" + user + "-" + n, node.running(), token(user), List.of(), false));
  }

  private static List<Integer> numbers(SdkClient c, String channel) {
    return c.publications("client", channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  /** User-sync positions the node stored from acknowledgements so far (every pong that moved one counts once). */
  private static double acknowledgements() {
    return node.node().metrics().registry().get("rebound_sync_acknowledgements_total").counter().count();
  }

  @Test
  void aReloadASecondAfterALivePublicationGetsExactlyWhatItMissed() {
    String alice = user("alice");
    String ch = personal(alice);
    for (int i = 1; i <= 3; i++) node.running().publish(ch, i);
    double before = acknowledgements();

    SdkClient first = instance(alice, 1);
    first.until("the 3 offline publications", ev -> numbers(first, ch).size() >= 3);
    Await.until("the first batch acknowledged", PROMPTLY, () -> acknowledgements() >= before + 1);

    long publishedAt = System.nanoTime();
    node.running().publish(ch, 4);
    first.until("live publication 4", ev -> numbers(first, ch).size() >= 4);
    // The user reads it; the page reloads a second later. The wait is for the acknowledgement itself, so the test
    // holds on a loaded machine too: the regular ping is at least 12.5 s away, only the prompt one can bring it.
    Await.until("publication 4 acknowledged without the regular ping", PROMPTLY, () -> acknowledgements() >= before + 2);
    long ackMs = (System.nanoTime() - publishedAt) / 1_000_000;
    System.out.println("live publication acknowledged " + ackMs + " ms after it was published");
    assertThat(numbers(first, ch)).containsExactly(1, 2, 3, 4);
    first.close();

    node.running().publish(ch, 5);
    node.running().publish(ch, 6);
    SdkClient reloaded = instance(alice, 2);
    reloaded.until("the 2 publications made while it was away", ev -> numbers(reloaded, ch).size() >= 2);
    node.running().publish(ch, 7);
    reloaded.until("live publication 7", ev -> numbers(reloaded, ch).size() >= 3);
    assertThat(numbers(reloaded, ch)).as("exactly what it missed, nothing twice").containsExactly(5, 6, 7);
    JsonNode subscribed = reloaded.await("subscribed", is("client", "subscribed", ch));
    assertThat(subscribed.path("recovered").asBoolean()).isTrue();
  }

  @Test
  void aClientThatNeverAnsweredThePingAfterAPublicationGetsItAgain() {
    String bob = user("bob");
    String ch = personal(bob);
    node.running().publish(ch, 1);
    double before = acknowledgements();

    RawClient crashing = open.add(RawClient.open(node.clients(), node.port()).autoPong(false));
    JsonNode reply = crashing.call(1, "connect", "{\"token\":\"" + token(bob) + "\"}");
    assertThat(reply.path("connect").path("subs").path(ch).path("publications").findValuesAsText("offset")).containsExactly("1");
    crashing.awaitPings(1, PROMPTLY);
    crashing.send("{}");
    Await.until("publication 1 acknowledged", PROMPTLY, () -> acknowledgements() >= before + 1);

    node.running().publish(ch, 2);
    crashing.await("live publication 2", m -> RawClient.isPush(m, ch, "pub"));
    crashing.awaitPings(2, PROMPTLY); // the prompt acknowledgement ping: it crashes before answering
    crashing.close();
    crashing.awaitClose();

    SdkClient next = instance(bob, 1);
    next.until("the unacknowledged publication again", ev -> numbers(next, ch).size() >= 1);
    node.running().publish(ch, 3);
    next.until("live publication 3", ev -> numbers(next, ch).size() >= 2);
    assertThat(numbers(next, ch)).as("redelivered, since no pong acknowledged it").containsExactly(2, 3);
    assertThat(acknowledgements()).isGreaterThanOrEqualTo(before + 1);
  }
}
