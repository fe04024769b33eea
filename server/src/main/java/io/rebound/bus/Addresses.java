package io.rebound.bus;

/** Event-bus addresses, in one place (the NATS const.go habit). */
public final class Addresses {
  private Addresses() {}

  /** Backend door: request/reply {@code {method, params}} → {@code {result}} or {@code {error}}. Cluster-visible. */
  public static final String API = "rebound.api";
  /** Node-local twin of {@link #API} for this node's edges (client publishes, HTTP API), so requests never leave the node. */
  public static final String API_LOCAL = "rebound.api.local";
  /** Fan-out of {@link FanoutMessage}s to every edge on every node. */
  public static final String FANOUT = "rebound.fanout";
  /** Node-local: append to a channel stream (HistoryVerticle). */
  public static final String HISTORY_APPEND = "rebound.history.append";
  /** Node-local: read a channel stream (HistoryVerticle). */
  public static final String HISTORY_READ = "rebound.history.read";
  /** Node-local: drop a channel's publications (HistoryVerticle). */
  public static final String HISTORY_REMOVE = "rebound.history.remove";
  /** Node-local: "what did I miss since (offset, epoch)?" (RecoveryVerticle). */
  public static final String RECOVERY = "rebound.recovery";
  /** Node-local: presence add/remove/query (PresenceVerticle). */
  public static final String PRESENCE = "rebound.presence";
  /** Every edge on every node: commands aimed at connections (disconnect, subscribe, unsubscribe by user/client). */
  public static final String EDGE_CONTROL = "rebound.edge.control";
  /** Node-local, every edge: the fan-out transport may have lost messages; re-read subscribed channels from history. */
  public static final String EDGE_RESYNC = "rebound.edge.resync";
  /** Every edge on every node: gather per-node statistics (channels, connection counts). */
  public static final String EDGE_STATS = "rebound.edge.stats";
}
