package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.SdkClient;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real {@code centrifuge} JS SDK (5.8.0; its JSON build, and its Protobuf build over {@code
 * http_stream}) with a transport list on a node whose WebSocket
 * endpoint is switched off ({@code websocket_disable}): the handshake is refused, the SDK falls back
 * to {@code http_stream} or {@code sse} (EventSource from the {@code eventsource} package) with
 * {@code POST /emulation}, and recovery works as over a WebSocket when a TCP proxy, standing in for
 * a balancer, cuts every connection while publications go on.
 */
class EmulationSdkIT {

  static final String CONFIG = """
      {"websocket_disable": true,
       "namespaces": [
         {"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true, "allow_subscribe_for_client": true},
         {"name": "small", "history_size": 5, "history_ttl": "600s", "force_recovery": true, "allow_subscribe_for_client": true}]}
      """;

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  /**
   * An SDK client (the build of {@code format}) behind {@code proxy} trying WebSocket, then {@code
   * transport}; returns once it is subscribed to {@code channel}.
   */
  private SdkClient subscribedOver(String transport, String format, TcpProxy proxy, String channel) {
    SdkClient c = open.add(SdkClient.driver(name.get(), proxy.wsUrl(), List.of("websocket", transport), format, node.running().token("alice"),
        List.of(channel)));
    JsonNode connected = c.await("connected", is("client", "connected"));
    assertThat(connected.path("transport").asText()).as("the transport the SDK fell back to").isEqualTo(transport);
    c.await("subscribed", is("sub", "subscribed", channel));
    return c;
  }

  static List<Integer> numbers(SdkClient c, String channel) {
    return c.publications("sub", channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  /**
   * Cuts every connection of {@code c} at the proxy and keeps its reconnect waiting until {@code
   * whileAway} ran: what it publishes is certainly missed live and must come back by recovery.
   */
  static void cutAndHoldWhile(SdkClient c, TcpProxy proxy, Runnable whileAway) {
    int before = c.mark();
    proxy.hold();
    proxy.dropAll();
    c.await("the SDK notices the cut", before, is("client", "connecting"));
    try {
      whileAway.run();
    } finally {
      proxy.release();
    }
  }

  /** Protobuf goes over http_stream only (varint-delimited replies, EmulationRequest bodies): SSE is JSON-only, as Centrifugo's. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"http_stream, json", "sse, json", "http_stream, protobuf"})
  void fallsBackFromTheRefusedWebSocketAndRecoversEveryPublicationAcrossCuts(String transport, String format) throws Exception {
    String ch = name.in("rec");
    int total = 200;
    TcpProxy proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
    SdkClient c = subscribedOver(transport, format, proxy, ch);
    try (SdkRecoveryIT.Publisher pub = new SdkRecoveryIT.Publisher(node.running(), ch)) {
      pub.allowUpTo(40);
      c.until("10 live publications", ev -> numbers(c, ch).size() >= 10);
      cutAndHoldWhile(c, proxy, () -> {
        int atCut = Math.max(40, pub.published.get());
        pub.allowUpTo(atCut + 40);
        pub.awaitPublished(atCut + 40);
      });
      pub.allowUpTo(total); // publishing goes on while the SDK reconnects and recovers
      pub.awaitPublished(total);
      c.until("all " + total + " publications", Duration.ofSeconds(30), ev -> numbers(c, ch).size() >= total);
    }
    assertThat(c.events(is("client", "connected"))).allMatch(e -> e.path("transport").asText().equals(transport));
    List<JsonNode> subscribed = c.events(is("sub", "subscribed", ch));
    assertThat(subscribed).hasSize(2);
    assertThat(subscribed.get(1).path("wasRecovering").asBoolean()).isTrue();
    assertThat(subscribed.get(1).path("recovered").asBoolean()).isTrue();
    assertThat(subscribed.get(1).path("hasRecoveredPublications").asBoolean()).as("the publications of the outage are replayed").isTrue();
    assertThat(numbers(c, ch)).as("every publication once, in order").isEqualTo(IntStream.rangeClosed(1, total).boxed().toList());
  }

  @Test
  void theDisabledWebSocketEndpointRefusesTheHandshakeWith404() {
    WebSocketClient client = node.clients().createWebSocketClient();
    try {
      Throwable refused = Await.failure(client.connect(node.port(), "127.0.0.1", "/connection/websocket"));
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(404);
    } finally {
      Await.result(client.close());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"http_stream, json", "sse, json", "http_stream, protobuf"})
  void missingMoreThanTheHistoryIsNotRecovered(String transport, String format) {
    String ch = name.in("small");
    TcpProxy proxy = open.add(TcpProxy.start(node.clients(), List.of(node.port())));
    SdkClient c = subscribedOver(transport, format, proxy, ch);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    c.until("3 publications", ev -> numbers(c, ch).size() >= 3);
    int beforeReconnect = c.mark();
    cutAndHoldWhile(c, proxy, () -> {
      for (int i = 4; i <= 13; i++) node.publish(ch, i); // history keeps 9..13: 4..8 are lost
    });
    JsonNode again = c.await("subscribed again", beforeReconnect, is("sub", "subscribed", ch));
    assertThat(again.path("wasRecovering").asBoolean()).isTrue();
    assertThat(again.path("recovered").asBoolean()).isFalse();
    node.publish(ch, 14);
    c.until("publication 14", ev -> numbers(c, ch).contains(14));
    assertThat(numbers(c, ch)).containsExactly(1, 2, 3, 14);
  }
}
