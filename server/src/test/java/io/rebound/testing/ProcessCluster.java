package io.rebound.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Hazelcast cluster of broker node PROCESSES ({@link NodeProcess}) for tests that kill members for real: the repo's
 * cluster.xml with a random cluster name, a free range of 10 member ports (the machine is shared: other builds run
 * members on 5701+ and 5801+), quick failure detection (5 s) and small thread pools. Node 1 starts first and the others
 * join it (members started at the same instant may each form a cluster of one). Children are killed on {@link #close()}
 * and by a shutdown hook if the test JVM dies first.
 */
public final class ProcessCluster implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(90);
  /** cluster.xml's {@code port-count}: the members of one cluster take ports from a range of this many. */
  private static final int HAZELCAST_PORTS = 10;

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Thread reaper = new Thread(this::killAll, "process-cluster-reaper");
  private final Path dir;

  private ProcessCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code size} nodes named {@code <name>-1…} from the broker config {@code configJson} (which must say
   * {@code "engine": "hazelcast"}; the HTTP port is chosen here) and waits until each sees all members.
   */
  public static ProcessCluster start(String name, int size, String configJson, String apiKey) {
    ProcessCluster c;
    try {
      c = new ProcessCluster(Files.createTempDirectory("rebound-" + name + "-"));
      Path xml = c.dir.resolve("cluster.xml");
      // One range below the ephemeral ports for the Hazelcast members (10) and the nodes' HTTP servers: an HTTP port
      // taken from the ephemeral range could be handed to an outgoing connection of the members started before it.
      int ports = Ports.freeRange(HAZELCAST_PORTS + size);
      Files.writeString(xml, clusterXml(Files.readString(RepoFiles.path("cluster.xml")), name, ports));
      Path config = c.dir.resolve("config.json");
      Files.writeString(config, configJson);
      Runtime.getRuntime().addShutdownHook(c.reaper);
      for (int i = 1; i <= size; i++) {
        c.nodes.add(new NodeProcess(name + "-" + i, ports + HAZELCAST_PORTS + i - 1, config, xml, apiKey));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      c.nodes.get(0).start();
      c.nodes.get(0).awaitHealthy(1, false, START);
      for (NodeProcess n : c.nodes.subList(1, size)) n.start();
      c.awaitMembers(size, false);
    } catch (RuntimeException | AssertionError e) {
      c.close(); // the caller never gets the cluster to close: no node outlives a failed start
      throw e;
    }
    return c;
  }

  public NodeProcess node(int i) {
    return nodes.get(i);
  }

  public List<NodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** The Hazelcast member config every node was started with (its cluster name and port are this cluster's own). */
  public Path clusterXml() {
    return dir.resolve("cluster.xml");
  }

  /** The HTTP ports of the nodes, in order. */
  public List<Integer> ports() {
    return nodes.stream().map(NodeProcess::port).toList();
  }

  /** Waits until every running node's /health shows {@code members} members (and, with {@code safe}, a safe cluster). */
  public void awaitMembers(int members, boolean safe) {
    for (NodeProcess n : nodes) {
      if (!n.isAlive()) continue;
      n.awaitHealthy(members, safe, START);
    }
  }

  /** The repo's cluster.xml for a test: its own cluster name and ports, quick failure detection, small thread pools. */
  public static String clusterXml(String xml, String name, int port) {
    String out = xml.replace("<cluster-name>rebound</cluster-name>", "<cluster-name>rebound-" + name + "-" + UUID.randomUUID() + "</cluster-name>")
        .replace(">5701</port>", ">" + port + "</port>")
        .replace("<property name=\"hazelcast.max.no.heartbeat.seconds\">15</property>",
            "<property name=\"hazelcast.max.no.heartbeat.seconds\">5</property>")
        .replace("<property name=\"hazelcast.heartbeat.interval.seconds\">2</property>",
            "<property name=\"hazelcast.heartbeat.interval.seconds\">1</property>"
                + "<property name=\"hazelcast.partition.count\">71</property>"
                + "<property name=\"hazelcast.phone.home.enabled\">false</property>"
                + "<property name=\"hazelcast.partition.operation.thread.count\">2</property>"
                + "<property name=\"hazelcast.operation.generic.thread.count\">2</property>"
                + "<property name=\"hazelcast.io.thread.count\">1</property>"
                + "<property name=\"hazelcast.event.thread.count\">1</property>");
    if (!out.contains("port-count=\"" + HAZELCAST_PORTS + "\">" + port + "</port>") || !out.contains("max.no.heartbeat.seconds\">5<") || !out.contains("partition.count\">71<")) {
      throw new IllegalStateException("cluster.xml changed: update ProcessCluster.clusterXml");
    }
    return out;
  }

  private void killAll() {
    nodes.forEach(NodeProcess::close);
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
