package io.rebound.cluster;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.Closer;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.RunningNode;
import io.rebound.testing.SdkClient;
import io.rebound.testing.TcpProxy;
import io.rebound.testing.UniqueName;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bidirectional emulation behind a balancer that is not sticky: two clustered nodes behind a
 * round-robin TCP proxy, the real JS SDK over {@code http_stream} or {@code sse}. The stream and the
 * SDK's {@code POST /emulation} requests travel on different connections, so they land on different
 * nodes; the node that gets a request forwards it over the clustered event bus to the node holding
 * the session. Subscribing, receiving, and recovering after the proxy cut every connection all work.
 */
class EmulationClusterIT {

  private static String config(int i) {
    return """
        {"name": "emu-%d", "engine": "hazelcast", "websocket_disable": true,
         "namespaces": [{"name": "rec", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
                         "allow_subscribe_for_client": true}]}
        """.formatted(i + 1);
  }

  @RegisterExtension static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(2).withBrokers(EmulationClusterIT::config);
  @RegisterExtension static final ClientVertx clients = new ClientVertx();
  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  private static List<Integer> numbers(SdkClient c, String channel) {
    return c.publications("sub", channel).stream().map(e -> e.path("data").path("n").asInt()).toList();
  }

  /** {@code POST /emulation} requests forwarded by either node to the other so far. */
  private static double forwarded() {
    double sum = 0;
    for (int i = 0; i < 2; i++) {
      for (String line : cluster.broker(i).http().get("/metrics").text().split("\n")) {
        if (line.startsWith("rebound_emulation_requests_total{") && line.contains("route=\"forwarded\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  @ParameterizedTest
  @ValueSource(strings = {"http_stream", "sse"})
  void commandsReachTheSessionWhicheverNodeTheyLandOnAndRecoveryWorksAcrossCuts(String transport) {
    String ch = name.in("rec");
    RunningNode publisher = cluster.broker(0);
    TcpProxy proxy = open.add(Await.result(TcpProxy.roundRobin(clients.get(), List.of(
        SocketAddress.inetSocketAddress(cluster.broker(0).port(), "127.0.0.1"),
        SocketAddress.inetSocketAddress(cluster.broker(1).port(), "127.0.0.1")))));
    double forwardedBefore = forwarded();
    SdkClient c = open.add(SdkClient.driver(name.get(), proxy.wsUrl(), List.of("websocket", transport), publisher.token("alice"),
        List.of(ch)));
    assertThat(c.await("connected", is("client", "connected")).path("transport").asText()).isEqualTo(transport);
    c.await("subscribed", is("sub", "subscribed", ch));
    assertThat(forwarded()).as("the subscribe went to the other node and was forwarded").isGreaterThan(forwardedBefore);
    int published = 0;
    for (; published < 5; ) publisher.publish(ch, ++published);
    c.until("5 live publications", ev -> numbers(c, ch).size() >= 5);

    for (int cut = 1; cut <= 2; cut++) {
      int before = c.mark();
      proxy.hold();
      proxy.dropAll();
      c.await("the SDK notices cut " + cut, before, is("client", "connecting"));
      for (int i = 0; i < 10; i++) publisher.publish(ch, ++published);
      proxy.release();
      JsonNode again = c.await("subscribed after cut " + cut, before, is("sub", "subscribed", ch));
      assertThat(again.path("recovered").asBoolean()).as("recovered after cut %d", cut).isTrue();
      int expected = published;
      c.until(expected + " publications", Duration.ofSeconds(30), ev -> numbers(c, ch).size() >= expected);
    }
    assertThat(numbers(c, ch)).isEqualTo(IntStream.rangeClosed(1, 25).boxed().toList());
  }
}
