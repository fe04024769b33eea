package io.rebound.engine.hazelcast;

import io.rebound.engine.PresenceStore;
import io.rebound.engine.PresenceStoreContractTest;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The presence contract against member 1 of a real three-member cluster, with member 3 as the other
 * node; {@link HazelcastPresenceFailoverIT} kills members.
 */
class HazelcastPresenceIT extends PresenceStoreContractTest {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);

  private HazelcastPresence other;

  @Override
  protected Future<PresenceStore> newStore(Vertx vertx) {
    HazelcastTestCluster.Node member1 = cluster.node(0);
    return Future.succeededFuture(new HazelcastPresence(member1.hz(), member1.vertx()));
  }

  @Override
  protected PresenceStore storeOnAnotherNode() {
    HazelcastTestCluster.Node member3 = cluster.node(2);
    other = new HazelcastPresence(member3.hz(), member3.vertx());
    return other;
  }

  @AfterEach
  void closeOther() {
    if (other != null) other.close();
  }
}
