package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.core.Publication;
import io.rebound.engine.BroadcasterContractTest;
import io.rebound.engine.FanoutMessage;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A route the rest of the cluster forgot comes back with {@link EventBusBroadcaster#reroute}. While a member is cut off,
 * the other side drops its event-bus registrations; after the heal the entries come back without an event, so the
 * other nodes kept routing the member's channels elsewhere (SplitBrainIT, a subscriber of the healed node got none of
 * the other nodes' publications). Here the forgetting is done by hand, as the other side does it: node 1's
 * registration of a channel's address is removed from Vert.x's registration map.
 */
class FanoutRerouteIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(2);

  @Test
  void aChannelRouteTheOtherNodesForgotIsRestoredByRerouting() {
    Vertx a = cluster.node(0).vertx();
    Vertx b = cluster.node(1).vertx();
    ClusterSigner signer = ClusterSigner.of("a-test-cluster-secret");
    EventBusBroadcaster onA = result(EventBusBroadcaster.start(a, signer), 30);
    EventBusBroadcaster onB = result(EventBusBroadcaster.start(b, signer), 30);
    try {
      BroadcasterContractTest.Inbox receiver = new BroadcasterContractTest.Inbox(0, a.getOrCreateContext());
      List<FanoutMessage> atA = receiver.messages();
      String forgotten = "chat:forgotten-" + System.nanoTime();
      String marker = "chat:marker-" + System.nanoTime();
      result(onA.interest(forgotten, receiver), 60);
      result(onA.interest(marker, receiver), 60);

      cluster.node(1).hz().getMultiMap("__vertx.subs").remove(Addresses.fanoutOf(forgotten));
      cluster.node(1).hz().getMultiMap("__vertx.subs").remove(Addresses.ROUTE_PROBE); // both nodes' probe doors
      Await.until("node 2 no longer routes the channel to node 1", WAIT, () -> registrations(b, Addresses.fanoutOf(forgotten)).isEmpty());
      // Node 2 sends both over its one connection to node 1, in order: once the marker is there, the other would be.
      result(onB.publish(publication(forgotten, 1)), 30);
      result(onB.publish(publication(marker, 1)), 30);
      Await.until("the marker at node 1", WAIT, () -> count(atA, marker) == 1);
      assertThat(count(atA, forgotten)).as("the forgotten route loses the channel's publications").isZero();

      result(onA.reroute(), 60);
      String nodeA = ((VertxInternal) a).clusterManager().getNodeId();
      assertThat(registrations(b, Addresses.ROUTE_PROBE)).as("node 1 answers route probes again")
          .anyMatch(r -> r.nodeId().equals(nodeA));
      result(onB.publish(publication(forgotten, 2)), 30);
      result(onB.publish(publication(marker, 2)), 30);
      Await.until("the channel at node 1 again, and the marker after it", WAIT, () -> count(atA, forgotten) == 1 && count(atA, marker) == 2);
      // A third round: the replaced registration is gone or ignores what it gets (no message relayed twice).
      result(onB.publish(publication(forgotten, 3)), 30);
      result(onB.publish(publication(marker, 3)), 30);
      Await.until("the third marker", WAIT, () -> count(atA, marker) == 3);
      assertThat(count(atA, forgotten)).isEqualTo(2);
    } finally {
      result(onA.close(), 30);
      result(onB.close(), 30);
    }
  }

  private static FanoutMessage publication(String channel, long offset) {
    return FanoutMessage.publication(channel, new Publication(offset, "{\"offset\":" + offset + "}", null, null), "e");
  }

  private static long count(List<FanoutMessage> messages, String channel) {
    return messages.stream().filter(m -> m.channel().equals(channel)).count();
  }

  private static List<RegistrationInfo> registrations(Vertx vertx, String address) {
    Promise<List<RegistrationInfo>> out = Promise.promise();
    ((VertxInternal) vertx).clusterManager().getRegistrations(address, out);
    return result(out.future(), 30);
  }
}
