package io.rebound.engine.hazelcast;

import io.rebound.testing.HazelcastTestCluster;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real three-member Hazelcast cluster (clustered Vert.x nodes in this JVM) for a test class,
 * shared by the Hazelcast engine tests instead of copied {@code @BeforeAll}/{@code @AfterAll} blocks:
 * {@code @RegisterExtension static final ClusterPerClass cluster = new ClusterPerClass();}. Forming a
 * cluster takes seconds, so tests that kill a member start their own {@link HazelcastTestCluster}.
 */
final class ClusterPerClass implements BeforeAllCallback, AfterAllCallback {

  static final int SIZE = 3;

  private HazelcastTestCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = HazelcastTestCluster.start(SIZE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) cluster.close();
    cluster = null;
  }

  HazelcastTestCluster.Node node(int i) {
    return nodes().get(i);
  }

  List<HazelcastTestCluster.Node> nodes() {
    if (cluster == null) throw new IllegalStateException("register ClusterPerClass as a static @RegisterExtension field");
    return cluster.nodes();
  }
}
