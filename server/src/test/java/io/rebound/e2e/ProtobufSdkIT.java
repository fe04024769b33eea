package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.SdkClient;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end with the {@code centrifuge} JS SDK's Protobuf build ({@code centrifuge/build/protobuf},
 * through {@code src/test/js/driver.mjs} with {@code REBOUND_FORMAT=protobuf}) behind a TCP proxy
 * that drops every connection, as {@link CentrifugeJavaIT} does with the Java SDK: recovered with
 * every publication once and in order, or {@code recovered: false} past the history size.
 */
class ProtobufSdkIT {

  @RegisterExtension static final NodeExtension node = NodeExtension.of(CentrifugeJavaIT.CONFIG);
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  private TcpProxy proxy() {
    return open.add(TcpProxy.start(node.clients(), List.of(node.port())));
  }

  private SdkClient client(TcpProxy proxy, String channel) {
    SdkClient c = open.add(SdkClient.driver(name.get(), proxy.wsUrl(), "protobuf", node.token("alice"), List.of(channel)));
    c.await("subscribed " + channel, 0, is("sub", "subscribed", channel));
    return c;
  }

  /** Cuts every connection and holds the SDK's reconnects at the proxy until {@link TcpProxy#release()}. */
  private static void cutAndHold(TcpProxy proxy, SdkClient c) {
    int before = c.mark();
    proxy.hold();
    proxy.dropAll();
    c.await("the SDK notices the cut", before, is("client", "connecting"));
  }

  private static List<Integer> numbers(SdkClient c, String channel) {
    return c.publications("sub", channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  private static List<Long> offsets(SdkClient c, String channel) {
    return c.publications("sub", channel).stream().map(e -> e.path("offset").asLong()).toList();
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
    SdkClient c = client(proxy, ch);
    assertThat(c.events(is("client", "connected")).get(0).path("transport").asText()).isEqualTo("websocket");
    try (SdkRecoveryIT.Publisher pub = new SdkRecoveryIT.Publisher(node.running(), ch)) {
      pub.allowUpTo(60);
      c.until("10 live publications", ev -> numbers(c, ch).size() >= 10);
      cutAndHold(proxy, c);
      int atOutage = pub.published.get();
      pub.allowUpTo(Math.max(60, atOutage) + 60);
      pub.awaitPublished(Math.max(60, atOutage) + 60);
      pub.allowUpTo(total);
      proxy.release();
      pub.awaitPublished(total);
      c.until("all " + total + " publications", Duration.ofSeconds(30), ev -> numbers(c, ch).size() >= total);
    }
    List<JsonNode> subs = c.events(is("sub", "subscribed", ch));
    assertThat(subs).hasSize(2);
    assertThat(subs.get(1).path("wasRecovering").asBoolean()).isTrue();
    assertThat(subs.get(1).path("recovered").asBoolean()).as("recovered after the cut").isTrue();
    assertThat(numbers(c, ch)).isEqualTo(range(1, total));
    assertThat(offsets(c, ch)).isEqualTo(range(1, total).stream().map(Integer::longValue).toList());
    assertThat(c.events(is("client", "disconnected"))).as("the SDK never gave up").isEmpty();
  }

  @Test
  void missingMoreThanHistoryKeepsComesBackNotRecovered() {
    String ch = name.in("small");
    TcpProxy proxy = proxy();
    SdkClient c = client(proxy, ch);
    for (int i = 1; i <= 3; i++) node.publish(ch, i);
    c.until("3 publications", ev -> numbers(c, ch).size() >= 3);

    cutAndHold(proxy, c);
    for (int i = 4; i <= 13; i++) node.publish(ch, i); // history keeps 9..13: 4..8 are lost
    int beforeReconnect = c.mark();
    proxy.release();
    JsonNode s = c.await("subscribed again", beforeReconnect, is("sub", "subscribed", ch));
    assertThat(s.path("wasRecovering").asBoolean()).isTrue();
    assertThat(s.path("recovered").asBoolean()).isFalse();
    assertThat(s.path("offset").asLong()).as("position restarts at the top").isEqualTo(13);

    node.publish(ch, 14);
    c.until("publication 14", ev -> numbers(c, ch).contains(14));
    assertThat(numbers(c, ch)).as("no partial replay, then live from the top").containsExactly(1, 2, 3, 14);
    assertThat(offsets(c, ch)).containsExactly(1L, 2L, 3L, 14L);
  }
}
