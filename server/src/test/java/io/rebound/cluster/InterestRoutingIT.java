package io.rebound.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.ApiClient;
import io.rebound.testing.ClientVertx;
import io.rebound.testing.Closer;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.RawClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routing by interest on three full broker nodes ({@code engine: hazelcast}, one JVM): a publication
 * crosses only to the nodes that have subscribers of its channel, which {@code
 * rebound_fanout_received_total{source="cluster"}} shows per node, while subscribers on several
 * nodes all get it in order, and a subscribe that races publications on another node still gets
 * every publication after its position (the node's interest is routed cluster-wide before the
 * subscribe reads it).
 */
class InterestRoutingIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static String config(int i) {
    return """
        {"name": "node-%d", "engine": "hazelcast",
         "namespaces": [{"name": "chat", "history_size": 1000, "history_ttl": "600s", "force_recovery": true,
                         "allow_subscribe_for_client": true},
                        {"name": "presence", "history_size": 10, "history_ttl": "600s",
                         "join_leave": true, "force_push_join_leave": true, "allow_subscribe_for_client": true}]}
        """.formatted(i + 1);
  }

  @RegisterExtension static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3).withBrokers(InterestRoutingIT::config);
  @RegisterExtension static final ClientVertx clients = new ClientVertx();
  @RegisterExtension final Closer open = new Closer();

  private static ApiClient api(int i) {
    return cluster.broker(i).http();
  }

  private RawClient subscriber(int node, String user, String channel) {
    RawClient c = open.add(RawClient.connected(clients.get(), cluster.broker(node).port(), cluster.broker(node).token(user)));
    c.subscribe(2, channel);
    return c;
  }

  private static String channel() {
    return "chat:" + UUID.randomUUID();
  }

  /** A channel whose subscribers get join and leave pushes. */
  private static String presenceChannel() {
    return "presence:" + UUID.randomUUID();
  }

  /** {@code rebound_fanout_received_total{source}} of node {@code i}, read from its registry. */
  private static long received(int i, String source) {
    return (long) cluster.broker(i).node().metrics().registry().get("rebound_fanout_received_total").tag("source", source).functionCounter().count();
  }

  private static long publish(int node, String channel, String data) {
    return api(node).ok("publish", "{\"channel\":\"" + channel + "\",\"data\":" + data + "}").path("offset").asLong();
  }

  @Test
  void aPublicationReachesOnlyTheNodeWithSubscribersWhileSeveralNodesAllGetTheirsInOrder() {
    String onlyOnNode2 = channel();
    String everywhere = channel();
    RawClient alone = subscriber(1, "alone", onlyOnNode2);
    subscriber(1, "alone-2", onlyOnNode2);
    List<RawClient> all = List.of(subscriber(0, "a", everywhere), subscriber(1, "b", everywhere), subscriber(2, "c", everywhere));
    long[] clusterBefore = {received(0, "cluster"), received(1, "cluster"), received(2, "cluster")};
    long localBefore = received(0, "local");

    int n = 30;
    for (int i = 1; i <= n; i++) publish(0, onlyOnNode2, "{\"n\":" + i + "}");
    // Behind the others from the same node, on the same connections: once node 3 has it, node 3 would have had them too.
    long fence = publish(0, everywhere, "{\"fence\":true}");
    for (RawClient c : all) c.awaitCount("the fence", 1, m -> RawClient.isPush(m, everywhere, "pub"), WAIT);
    alone.awaitCount("every publication", n, m -> RawClient.isPush(m, onlyOnNode2, "pub"), WAIT);

    assertThat(alone.pubOffsets(onlyOnNode2)).as("in order, no gap").containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
    for (RawClient c : all) assertThat(c.pubOffsets(everywhere)).containsExactly(fence);
    assertThat(received(1, "cluster") - clusterBefore[1]).as("node 2 (the subscribers' node) got every publication and the fence").isEqualTo(n + 1);
    assertThat(received(2, "cluster") - clusterBefore[2]).as("node 3 (no subscriber of the channel) got the fence only").isEqualTo(1);
    assertThat(received(0, "cluster") - clusterBefore[0]).as("node 1 published, received nothing from the others").isZero();
    assertThat(received(0, "local") - localBefore).as("node 1 handed its own publications to its edges").isEqualTo(n + 1);
  }

  @Test
  void joinAndLeaveTravelOnlyToNodesWithSubscribers() {
    String ch = presenceChannel();
    RawClient watcher = subscriber(2, "watcher", ch);
    long[] before = {received(0, "cluster"), received(1, "cluster")};
    RawClient joiner = subscriber(1, "joiner", ch); // its join goes to node 3 (and node 2's own edge), not node 1
    watcher.await("the joiner's join", m -> RawClient.isPush(m, ch, "join") && "joiner".equals(m.path("push").path("join").path("info").path("user").asText()));
    String fence = presenceChannel();
    RawClient f1 = subscriber(0, "f1", fence);
    subscriber(2, "f3", fence);
    publish(1, fence, "{\"fence\":true}");
    f1.await("f3's join", m -> RawClient.isPush(m, fence, "join") && "f3".equals(m.path("push").path("join").path("info").path("user").asText()));
    f1.awaitCount("the fence", 1, m -> RawClient.isPush(m, fence, "pub"), WAIT);
    // Node 1 got the fence's joins of f3 and the fence itself, never the join on ch.
    assertThat(received(0, "cluster") - before[0]).as("node 1: the fence channel's join (f3) and publication only").isEqualTo(2);
    joiner.close();
    watcher.await("the joiner's leave", m -> RawClient.isPush(m, ch, "leave") && "joiner".equals(m.path("push").path("leave").path("info").path("user").asText()));
  }

  /**
   * The publisher's node routed the channel before the subscriber's node wanted it (its view of the
   * channel's consumers is cached and learns of the new one late); each subscribe recovers from
   * offset 1 while publications keep coming, and must get every later one, with the last publication
   * of the round as proof: no later publication comes to reveal a gap.
   */
  @Test
  void aSubscribeRacingPublicationsOnAnotherNodeRecoversEveryOne() throws Exception {
    for (int round = 0; round < 8; round++) {
      String ch = channel();
      long first = publish(0, ch, "{\"n\":0}");
      String epoch = api(0).ok("history", "{\"channel\":\"" + ch + "\",\"limit\":0}").path("epoch").asText();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong last = new AtomicLong(first);
      CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
        while (!stop.get()) last.set(publish(0, ch, "{\"n\":1}"));
      });
      RawClient c = open.add(RawClient.connected(clients.get(), cluster.broker(1 + round % 2).port(), cluster.broker(1 + round % 2).token("racer")));
      JsonNode reply = c.call(2, "subscribe", "{\"channel\":\"" + ch + "\",\"recover\":true,\"offset\":" + first + ",\"epoch\":\"" + epoch + "\"}");
      stop.set(true);
      publisher.get(30, TimeUnit.SECONDS);
      long end = last.get();
      assertThat(reply.path("subscribe").path("recovered").asBoolean()).as("round %d: %s", round, reply).isTrue();
      List<Long> got = new ArrayList<>();
      reply.path("subscribe").path("publications").forEach(p -> got.add(p.path("offset").asLong()));
      int r = round;
      if (!got.contains(end) && end > first) c.awaitCount("round " + r + ": the last publication " + end, 1,
          m -> RawClient.isPush(m, ch, "pub") && m.path("push").path("pub").path("offset").asLong() == end, WAIT);
      got.addAll(c.pubOffsets(ch));
      assertThat(got).as("round %d: recovered then live, no gap, no duplicate", round)
          .containsExactlyElementsOf(LongStream.rangeClosed(first + 1, end).boxed().toList());
      c.close();
    }
  }
}
