package io.rebound;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.rebound.config.ClusterOptions;
import io.rebound.config.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import java.util.List;

/**
 * How this node joins the cluster plane (README, "Trust model"), applied to the Hazelcast config it
 * was given ({@code cluster.xml} or {@code -Dvertx.hazelcast.config}) and to the event bus:
 *
 * <ul>
 *   <li>the Hazelcast cluster name is {@link ClusterOptions#memberName}: the configured base name
 *       with a tag derived from the cluster secret. Hazelcast (open source) admits any member that
 *       presents the name, so the name is made a credential a process without the secret cannot
 *       compute;
 *   <li>Hazelcast and the event bus listen on one interface, {@code cluster_address}: given, or
 *       loopback when the join lists only loopback members; otherwise the node refuses to start
 *       rather than listen on every interface;
 *   <li>Hazelcast's Java deserialization filter is on, admitting only Rebound's and Vert.x's types
 *       besides Hazelcast's defaults (Rebound's own values are IdentifiedDataSerializable and never
 *       use Java serialization; the filter closes the gadget-chain door for whatever else arrives).
 * </ul>
 *
 * @param hazelcast the member config to start Hazelcast with
 * @param address the interface Hazelcast and the event bus bind to
 * @param busPort the event bus port (0: any free one)
 */
public record ClusterMember(Config hazelcast, String address, int busPort) {

  /** Packages whose classes Java deserialization may create, besides Hazelcast's default allow list. */
  static final List<String> DESERIALIZABLE_PREFIXES = List.of("io.rebound.", "io.vertx.");

  /** {@code loaded} (changed in place) made into this node's member config; a ConfigException when no address can be chosen. */
  public static ClusterMember of(Config loaded, ClusterOptions options) {
    String address = bindAddress(loaded, options);
    loaded.setClusterName(options.memberName(loaded.getClusterName()));
    NetworkConfig net = loaded.getNetworkConfig();
    net.getInterfaces().setEnabled(true).setInterfaces(List.of(address));
    loaded.setProperty("hazelcast.socket.bind.any", "false");
    ClassFilter allowed = new ClassFilter();
    DESERIALIZABLE_PREFIXES.forEach(allowed::addPrefixes);
    loaded.getSerializationConfig().setJavaSerializationFilterConfig(
        new JavaSerializationFilterConfig().setDefaultsDisabled(false).setWhitelist(allowed));
    return new ClusterMember(loaded, address, options.busPort());
  }

  /** Binds the event bus to the same interface as Hazelcast. */
  public void applyTo(EventBusOptions bus) {
    bus.setHost(address).setPort(busPort).setClusterPublicHost(address);
  }

  /**
   * {@code cluster_address}, else loopback when every TCP/IP join member is on loopback (nodes on one
   * machine); any other join (Kubernetes, remote members) needs the address said.
   */
  static String bindAddress(Config config, ClusterOptions options) {
    if (options.address() != null) return options.address();
    TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    boolean loopbackOnly = tcp.isEnabled() && !tcp.getMembers().isEmpty()
        && tcp.getMembers().stream().allMatch(ClusterMember::isLoopback)
        && !config.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled();
    if (loopbackOnly) return "127.0.0.1";
    throw ConfigException.at("cluster_address", "is required when cluster members are on other machines: the IP address of this "
        + "node's cluster interface (in Kubernetes the pod IP, e.g. REBOUND_CLUSTER_ADDRESS from status.podIP); members never "
        + "listen on every interface by default");
  }

  private static boolean isLoopback(String member) {
    String host = member.trim();
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(':') == colon) host = host.substring(0, colon);
    return host.startsWith("127.") || host.equals("localhost");
  }
}
