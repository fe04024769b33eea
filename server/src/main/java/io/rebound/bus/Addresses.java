package io.rebound.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/** Event-bus addresses, in one place (the NATS const.go habit), and the one timeout of a request on them. */
public final class Addresses {
  private Addresses() {}

  /**
   * Engine and API round trips take milliseconds; past this a caller gets a temporary error (100),
   * never a hang. The one send timeout of every request/reply on these addresses.
   */
  public static final long SEND_TIMEOUT_MS = 10_000;
  /** Node-local request options: {@link #SEND_TIMEOUT_MS}. */
  public static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS).setLocalOnly(true);

  /**
   * Backend door: request/reply {@code {method, params}} → {@code {result}} or {@code {error}}. Cluster-visible,
   * so every request must carry the API key in its {@link #API_KEY_HEADER} header.
   */
  public static final String API = "rebound.api";
  /** Node-local twin of {@link #API} for this node's edges (client publishes, HTTP API), so requests never leave the node. */
  public static final String API_LOCAL = "rebound.api.local";
  /** The event-bus header of a {@link #API} request that holds the API key (as the HTTP API's header). */
  public static final String API_KEY_HEADER = "X-API-Key";
  /**
   * Prefix of one channel's cluster-visible fan-out address (followed by the channel name, see {@link
   * #fanoutOf}): {@link SignedFanout}s of that channel from other nodes, and the sealed route markers
   * of {@link RouteConfirmations}. A node listens there only while it has subscribers of the channel
   * ({@link ChannelInterests}), so a publication crosses to the nodes that want it and no other.
   */
  public static final String FANOUT_CHANNEL_PREFIX = "rebound.fanout.ch.";
  /**
   * Cluster-visible, one consumer per node's broadcaster: "I now listen on this channel's address,
   * show me you route it to me" probes, sealed by {@link ClusterSigner#seal} (see {@link RouteConfirmations}).
   */
  public static final String ROUTE_PROBE = "rebound.fanout.probe";

  /**
   * Whether the fan-out broadcaster registers {@code address} again itself after a merge ({@code
   * EventBusBroadcaster#reroute}: new registration first, confirmed, then the old one dropped), so the cluster
   * manager's blunter remove-and-add leaves it alone.
   */
  public static boolean reroutedByBroadcaster(String address) {
    return address.startsWith(FANOUT_CHANNEL_PREFIX) || address.equals(ROUTE_PROBE);
  }
  /** Node-local: append to a channel stream (HistoryVerticle). */
  public static final String HISTORY_APPEND = "rebound.history.append";
  /** Node-local: read a channel stream (HistoryVerticle). */
  public static final String HISTORY_READ = "rebound.history.read";
  /** Node-local: drop a channel's publications (HistoryVerticle). */
  public static final String HISTORY_REMOVE = "rebound.history.remove";
  /** Node-local: "what did I miss since (offset, epoch)?" (RecoveryVerticle). */
  public static final String RECOVERY = "rebound.recovery";
  /**
   * Every edge on every node: commands aimed at connections (disconnect, subscribe, unsubscribe by user/client),
   * sealed by {@link ClusterSigner#seal}; edges ignore any other message here.
   */
  public static final String EDGE_CONTROL = "rebound.edge.control";
  /**
   * Prefix of one node's emulation door (followed by the node's id): {@code POST /emulation}
   * requests that reached another node travel here to the node holding their session, sealed by
   * {@link ClusterSigner#seal}; the node delivers nothing it cannot open. Cluster-visible.
   */
  public static final String EMULATION_PREFIX = "rebound.emulation.";
  /** Node-local, every edge: the fan-out transport may have lost messages; re-read subscribed channels from history. */
  public static final String EDGE_RESYNC = "rebound.edge.resync";

  /** {@code channel}'s cluster fan-out address: {@link #FANOUT_CHANNEL_PREFIX} + the channel name. */
  public static String fanoutOf(String channel) {
    return FANOUT_CHANNEL_PREFIX + channel;
  }
}
