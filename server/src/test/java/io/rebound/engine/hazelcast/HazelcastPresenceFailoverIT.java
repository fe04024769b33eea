package io.rebound.engine.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.ClientInfo;
import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence when a member dies without removing its clients; its own cluster, since it kills one. */
class HazelcastPresenceFailoverIT {

  /** An instance field: a cluster of its own for every test, since the tests kill a member. */
  @RegisterExtension
  final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);
  private final List<HazelcastPresence> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(HazelcastPresence::close);
  }

  private HazelcastPresence storeOn(Node node) {
    HazelcastPresence store = new HazelcastPresence(node.hz(), node.vertx());
    stores.add(store);
    return store;
  }

  @Test
  void theClientsOfAKilledMemberDisappearTheSurvivorsStay() {
    Node survivor = cluster.node(0), victim = cluster.node(1);
    HazelcastPresence onSurvivor = storeOn(survivor), onVictim = storeOn(victim);
    storeOn(cluster.node(2)); // a third listener: purging twice must be harmless
    List<String> channels = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      String ch = "presence-failover:" + UUID.randomUUID();
      channels.add(ch);
      result(onSurvivor.add(ch, new ClientInfo("alice", "stays-" + c, null, null)));
      result(onVictim.add(ch, new ClientInfo("bob", "goes-" + c, null, null)));
    }
    assertThat(result(onSurvivor.get(channels.get(0)))).containsOnlyKeys("stays-0", "goes-0");

    // No graceful leave: the member vanishes, as on kill -9 or a node failure.
    victim.hz().getLifecycleService().terminate();
    Await.until("the killed member's clients purged", Duration.ofSeconds(60), () -> channels.stream()
        .allMatch(ch -> result(onSurvivor.get(ch)).keySet().stream().noneMatch(k -> k.startsWith("goes-"))));
    for (int c = 0; c < channels.size(); c++) {
      assertThat(result(onSurvivor.get(channels.get(c)))).containsOnlyKeys("stays-" + c);
    }
  }
}
