package io.rebound.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that every node routes a channel to this one before a subscribe reads its stream position.
 *
 * <p>A completed event-bus registration is in the cluster's registry, but a node that published on the
 * address before keeps a cached view of its consumers and learns of the new one a little later. A
 * publication routed with that stale view would skip this node, and if it was appended after the
 * subscriber's history read, the subscriber would only notice the gap at the channel's next
 * publication. So after registering, this node publishes a sealed probe on {@link
 * Addresses#ROUTE_PROBE}; every other node answers by publishing a sealed marker on the channel's
 * address, through the same routing its publications take. A marker that arrives proves that node's
 * view includes this one: everything it publishes afterwards comes here, and everything it routed
 * before was appended to history before the marker left, so before the read that follows. Nodes
 * whose marker is missing are probed again with backoff (a stale view is refreshed by the registry's
 * events); the nodes waited for are those running a broadcaster (the consumers of the probe address),
 * so a Hazelcast member without one (a tool, an intruder) is never waited for. After {@link
 * #GIVE_UP_MS} the wait ends anyway with a warning: the channel then relies on gap filling.
 *
 * <p>Probes and markers are sealed with the cluster key ({@link ClusterSigner#seal}); unsealed ones are
 * ignored, so a process without the key can neither fake a confirmation nor make nodes publish.
 * Thread-safe.
 */
final class RouteConfirmations {

  static final long GIVE_UP_MS = 10_000;
  private static final long FIRST_RETRY_MS = 25;
  private static final long MAX_RETRY_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(RouteConfirmations.class);

  private final Vertx vertx;
  private final ClusterSigner signer;
  private final ClusterManager cluster;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private volatile MessageConsumer<Object> probes; // replaced by reregister, on another context than start

  private static final class Waiting {
    final String channel;
    final Set<String> confirmed = new HashSet<>();
    final Promise<Void> done = Promise.promise();
    final long deadline;

    Waiting(String channel, long deadline) {
      this.channel = channel;
      this.deadline = deadline;
    }
  }

  RouteConfirmations(Vertx vertx, ClusterSigner signer) {
    this.vertx = vertx;
    this.signer = signer;
    this.cluster = ((VertxInternal) vertx).clusterManager();
  }

  /** Starts answering other nodes' probes; completes when the probe consumer is registered cluster-wide. */
  Future<Void> start() {
    probes = vertx.eventBus().consumer(Addresses.ROUTE_PROBE, msg -> onProbe(msg.body()));
    return probes.completion();
  }

  /**
   * Registers the probe consumer again (a member merged back: the other nodes forgot it, see {@link
   * EventBusBroadcaster#reroute}); the old one goes once the new one is registered. A probe answered by both meanwhile
   * gets its marker twice, which counts once.
   */
  Future<Void> reregister() {
    MessageConsumer<Object> old = probes;
    probes = vertx.eventBus().consumer(Addresses.ROUTE_PROBE, msg -> onProbe(msg.body()));
    return probes.completion().onComplete(ar -> old.unregister());
  }

  Future<Void> close() {
    waiting.values().forEach(w -> w.done.tryComplete());
    return probes == null ? Future.succeededFuture() : probes.unregister();
  }

  /** Completes once every other node with a broadcaster routes {@code channel}'s address here (or after {@link #GIVE_UP_MS}). */
  Future<Void> confirm(String channel) {
    String token = UUID.randomUUID().toString();
    Waiting w = new Waiting(channel, System.currentTimeMillis() + GIVE_UP_MS);
    waiting.put(token, w);
    w.done.future().onComplete(ar -> waiting.remove(token));
    check(token, w, FIRST_RETRY_MS);
    return w.done.future();
  }

  /** A sealed marker arrived on a channel address this node listens on. */
  void onMarker(Object sealed) {
    JsonObject marker = signer.open(sealed, System.currentTimeMillis());
    if (marker == null) {
      ForgedMessages.ROUTE.refused();
      return;
    }
    Waiting w = waiting.get(marker.getString("token", ""));
    if (w == null) return; // a late answer to a probe already confirmed
    synchronized (w) {
      w.confirmed.add(marker.getString("node", ""));
    }
  }

  /** Compares the confirmations with the nodes that run a broadcaster; probes again the ones missing. */
  private void check(String token, Waiting w, long retryMs) {
    if (w.done.future().isComplete()) return;
    Promise<List<RegistrationInfo>> nodes = Promise.promise();
    cluster.getRegistrations(Addresses.ROUTE_PROBE, nodes);
    nodes.future().onComplete(ar -> {
      Set<String> missing = new HashSet<>();
      if (ar.succeeded()) {
        List<String> members = cluster.getNodes();
        for (RegistrationInfo r : ar.result()) if (members.contains(r.nodeId())) missing.add(r.nodeId());
      }
      missing.remove(cluster.getNodeId());
      synchronized (w) {
        missing.removeAll(w.confirmed);
      }
      if (ar.succeeded() && missing.isEmpty()) {
        w.done.tryComplete();
        return;
      }
      if (System.currentTimeMillis() > w.deadline) {
        LOG.warn("event=route_unconfirmed channel={} nodes={} (publications routed before they learn of this node are found by gap filling)",
            io.rebound.core.LogSafe.value(w.channel), missing);
        w.done.tryComplete();
        return;
      }
      vertx.eventBus().publish(Addresses.ROUTE_PROBE,
          signer.seal(new JsonObject().put("channel", w.channel).put("token", token).put("node", cluster.getNodeId()), System.currentTimeMillis()));
      vertx.setTimer(retryMs, id -> check(token, w, Math.min(retryMs * 2, MAX_RETRY_MS)));
    });
  }

  /** Another node asks for a marker on a channel's address: answer through the routing a publication would take. */
  private void onProbe(Object sealed) {
    JsonObject probe = signer.open(sealed, System.currentTimeMillis());
    if (probe == null) {
      ForgedMessages.ROUTE.refused();
      return;
    }
    if (cluster.getNodeId().equals(probe.getString("node"))) return; // our own probe
    JsonObject marker = new JsonObject().put("token", probe.getString("token", "")).put("node", cluster.getNodeId());
    vertx.eventBus().publish(Addresses.fanoutOf(probe.getString("channel", "")), signer.seal(marker, System.currentTimeMillis()));
  }
}
