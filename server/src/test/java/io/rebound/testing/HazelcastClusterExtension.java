package io.rebound.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A {@link HazelcastTestCluster} (clustered Vert.x instances with Hazelcast members in this JVM) as
 * a JUnit 5 extension, optionally with a broker node on every member:
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
 *
 * class ThreeBrokersIT {
 *   @RegisterExtension static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(3)
 *       .withBrokers(i -> """
 *           {"name": "node-%d", "engine": "hazelcast"}""".formatted(i + 1));
 *
 *   @Test void fanOut() {
 *     cluster.broker(0).publish("chat:x", 1);   // a RunningNode on member 0
 *   }
 * }
 * }</pre>
 *
 * A static field gives the class one cluster (the usual case: forming one takes seconds), an instance
 * field a new cluster per test (for tests that kill members). It is ready when all members see each
 * other and, with brokers, when every broker's {@code /health} counts them all. At the end the brokers
 * close first, then the members (those a test terminated included).
 */
public final class HazelcastClusterExtension extends ResourceExtension {

  private static final Duration BROKERS_JOINED = Duration.ofSeconds(30);

  private final int size;
  private final IntFunction<String> brokerConfig;
  private final List<RunningNode> brokers = new ArrayList<>();
  private HazelcastTestCluster cluster;

  private HazelcastClusterExtension(int size, IntFunction<String> brokerConfig) {
    this.size = size;
    this.brokerConfig = brokerConfig;
  }

  /** A cluster of {@code size} members. */
  public static HazelcastClusterExtension of(int size) {
    if (size < 1) throw new IllegalArgumentException("size " + size);
    return new HazelcastClusterExtension(size, null);
  }

  /**
   * The same cluster with a broker node ({@link RunningNode#startOn}) on every member, member {@code
   * i}'s started from {@code config.apply(i)} — a config with {@code "engine": "hazelcast"} and
   * {@link RunningNode}'s rules (no port, secret or API key).
   */
  public HazelcastClusterExtension withBrokers(IntFunction<String> config) {
    return new HazelcastClusterExtension(size, config);
  }

  @Override
  protected void start() {
    cluster = HazelcastTestCluster.start(size);
    if (brokerConfig == null) return;
    for (int i = 0; i < size; i++) brokers.add(RunningNode.startOn(cluster.node(i).vertx(), brokerConfig.apply(i)));
    for (RunningNode broker : brokers) {
      Await.until("/health of the broker on port " + broker.port() + " counts " + size + " members", BROKERS_JOINED,
          () -> broker.http().get("/health").body().path("cluster").path("members").asInt() == size);
    }
  }

  @Override
  protected void stop() {
    for (RunningNode broker : brokers) {
      try {
        broker.close();
      } catch (AssertionError ignored) {
        // a broker whose member a test terminated cannot close cleanly; the cluster close still releases its Vert.x
      }
    }
    brokers.clear();
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

  /** The broker node on member {@code i} (see {@link #withBrokers}). */
  public RunningNode broker(int i) {
    requireRunning();
    if (brokerConfig == null) throw new IllegalStateException("no brokers: register the extension withBrokers(config)");
    return brokers.get(i);
  }
}
