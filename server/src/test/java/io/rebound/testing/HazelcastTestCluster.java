package io.rebound.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.rebound.hazelcast.TolerantClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Clustered Vert.x nodes with Hazelcast members in this JVM, configured from the repo's
 * {@code cluster.xml} with test overrides: a random cluster name (parallel builds never cross-join),
 * a range of 10 ports of its own ({@link Ports#freeRange}: members of builds running side by side never
 * scan each other's ports while they join, which slowed joins past a minute on the shared machine), few
 * partitions and quick failure detection (the machine is small and shared).
 */
public final class HazelcastTestCluster implements AutoCloseable {

  /** Ports per cluster: members bind the first free one of their cluster's range. */
  private static final int PORT_RANGE = 10;

  /** One node: its Vert.x and its Hazelcast member. */
  public record Node(Vertx vertx, HazelcastInstance hz) {}

  private final String clusterName = "rebound-test-" + UUID.randomUUID();
  private final int basePort = Ports.freeRange(PORT_RANGE);
  private final int size;
  private final List<Node> nodes = new ArrayList<>();

  private HazelcastTestCluster(int size) {
    this.size = size;
  }

  /**
   * Starts {@code size} nodes one after the other (so they join in a known order) and waits for all to
   * see each other. A test class usually registers a {@link HazelcastClusterExtension} instead.
   */
  public static HazelcastTestCluster start(int size) {
    HazelcastTestCluster cluster = new HazelcastTestCluster(size);
    try {
      for (int i = 0; i < size; i++) cluster.startNode();
      Await.until("cluster of " + size, java.time.Duration.ofSeconds(60),
          () -> cluster.nodes.stream().allMatch(n -> n.hz().getCluster().getMembers().size() == size));
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close(); // the members that did start must not outlive the failed test
      throw e;
    }
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * The repo's cluster.xml with the test overrides; a new Config per member (Vert.x adds a member attribute). A test
   * cluster smaller than the split-brain protection minimum runs without the protection (a one-member cluster would
   * otherwise refuse all history).
   */
  public Config memberConfig() {
    Path xml = RepoFiles.path("cluster.xml");
    if (!Files.exists(xml)) throw new IllegalStateException("run from the repo top level: " + xml.toAbsolutePath() + " is missing");
    Config config;
    try {
      config = new XmlConfigBuilder(xml.toString()).build();
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException(e);
    }
    config.setClusterName(clusterName);
    config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true).setPortCount(PORT_RANGE);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
        .setMembers(List.of("127.0.0.1")); // no port: this cluster's range basePort..+9 is tried
    config.getSplitBrainProtectionConfigs().values().forEach(p -> {
      if (p.getMinimumClusterSize() > size) p.setEnabled(false); // Hazelcast refuses a minimum below 2
    });
    config.setProperty("hazelcast.partition.count", "71");
    config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "none"));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // Small thread pools: three members share two cores with other builds.
    config.setProperty("hazelcast.partition.operation.thread.count", "2");
    config.setProperty("hazelcast.operation.generic.thread.count", "2");
    config.setProperty("hazelcast.io.thread.count", "1");
    config.setProperty("hazelcast.event.thread.count", "1");
    return config;
  }

  private Node startNode() {
    HazelcastClusterManager manager = new TolerantClusterManager(memberConfig(), io.rebound.bus.Addresses::reroutedByBroadcaster); // as Engines makes it
    Vertx vertx = Await.result(Vertx.builder().withClusterManager(manager).buildClustered(), 60);
    Node node = new Node(vertx, manager.getHazelcastInstance());
    nodes.add(node);
    return node;
  }

  @Override
  public void close() {
    // Members that a test terminated make their Vert.x close fail; the rest must still be closed.
    for (Node node : nodes) {
      try {
        Await.result(node.vertx().close(), 30);
      } catch (AssertionError ignored) {
        if (node.hz().getLifecycleService().isRunning()) node.hz().getLifecycleService().terminate();
      }
    }
    nodes.clear();
  }

}
