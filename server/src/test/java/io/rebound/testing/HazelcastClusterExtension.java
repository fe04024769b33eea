package io.rebound.testing;

import java.util.List;

/**
 * A {@link HazelcastTestCluster} (clustered Vert.x instances with Hazelcast members in this JVM) as
 * a JUnit 5 extension:
 *
 * <pre>{@code
 * class ClusteredThingIT {
 *   @RegisterExtension static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3);
 *
 *   @Test void everyMemberSeesIt() {
 *     HazelcastTestCluster.Node first = cluster.node(0);   // first.vertx(), first.hz()
 *     …
 *   }
 * }
 * }</pre>
 *
 * A static field gives the class one cluster (the usual case: forming one takes seconds), an instance
 * field a new cluster per test (for tests that kill members). It starts when all members see each
 * other and is closed, members a test terminated included, when its scope ends.
 */
public final class HazelcastClusterExtension extends ResourceExtension {

  private final int size;
  private HazelcastTestCluster cluster;

  private HazelcastClusterExtension(int size) {
    this.size = size;
  }

  /** A cluster of {@code size} members. */
  public static HazelcastClusterExtension of(int size) {
    if (size < 1) throw new IllegalArgumentException("size " + size);
    return new HazelcastClusterExtension(size);
  }

  @Override
  protected void start() {
    cluster = HazelcastTestCluster.start(size);
  }

  @Override
  protected void stop() {
    if (cluster != null) cluster.close();
    cluster = null;
  }

  /** The running cluster. */
  public HazelcastTestCluster cluster() {
    requireRunning();
    return cluster;
  }

  /** Member {@code i} (0-based, in join order). */
  public HazelcastTestCluster.Node node(int i) {
    return cluster().node(i);
  }

  /** Every member, in join order. */
  public List<HazelcastTestCluster.Node> nodes() {
    return cluster().nodes();
  }
}
