package io.rebound.loadtest.reconnect;

import io.rebound.Node;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ClientOptions;
import io.rebound.config.ConfigLoader;
import io.rebound.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.impl.VertxThread;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker nodes under test: either started in this JVM (memory engine for one node, clustered
 * Vert.x + Hazelcast history for several) or running elsewhere ({@code --target}). Knows how to kill
 * and restart in-process nodes and how to read the recovery counters of every node that ever ran.
 */
final class BrokerFleet {

  /** Thread-name prefix of the in-process brokers' Vert.x threads, so their CPU can be told apart. */
  static final String THREAD_PREFIX = "broker-";
  /** Upper bound of one buffered publication push of this tool (channel name, seq, offset: ~100 bytes). */
  private static final int RESUME_BYTES_PER_MESSAGE = 256;

  private final MassReconnectOptions options;
  private final List<SocketAddress> addresses = new ArrayList<>();
  private final List<Node> live = new ArrayList<>();
  /** Every node started, including killed ones: their counters still count. */
  private final List<Node> everStarted = new ArrayList<>();
  private final boolean inProcess;

  private BrokerFleet(MassReconnectOptions options) {
    this.options = options;
    this.inProcess = options.targets.isEmpty();
  }

  /** Starts the in-process nodes one after the other (Hazelcast members join faster in sequence). */
  static Future<BrokerFleet> start(MassReconnectOptions options) {
    BrokerFleet fleet = new BrokerFleet(options);
    if (!fleet.inProcess) {
      for (String t : options.targets) {
        int colon = t.lastIndexOf(':');
        fleet.addresses.add(SocketAddress.inetSocketAddress(Integer.parseInt(t.substring(colon + 1)), t.substring(0, colon)));
      }
      return Future.succeededFuture(fleet);
    }
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < options.nodes; i++) {
      int port = Ports.free();
      fleet.addresses.add(SocketAddress.inetSocketAddress(port, "127.0.0.1"));
      fleet.live.add(null);
      int index = i;
      chain = chain.compose(v -> fleet.startNode(index));
    }
    return chain.map(fleet);
  }

  /** The broker config of every in-process node: the bench namespaces with recovery forced. */
  static String config(MassReconnectOptions o, int port, String name) {
    String ns = """
          {"name": "%s", "history_size": %d, "history_ttl": "300s", "force_recovery": true,
           "allow_subscribe_for_client": true, "allow_user_limited_channels": true}""";
    int size = o.effectiveHistorySize();
    // With --resume: the window the clients ask for, and a session buffer that outlasts the outage at this rate (a
    // buffer too small refuses the resume and the client falls back to per-channel recovery). The buffer is also
    // bounded by client_queue_max_size bytes: keep that above buffer × a generous publication push size.
    int buffer = o.effectiveResumeBufferSize();
    String resume = !o.resume ? "" : """
         "client_resume_window": "%ds", "client_resume_buffer_size": %d, "client_queue_max_size": %d,""".formatted(
        o.resumeWindowS, buffer, Math.max(ClientOptions.DEFAULT_QUEUE_MAX_SIZE, buffer * RESUME_BYTES_PER_MESSAGE));
    String proxy = o.connectProxyEndpoint == null ? "" : """
         "proxy_connect_endpoint": "%s",""".formatted(o.connectProxyEndpoint);
    return """
        {"port": %d, "name": "%s", "token_hmac_secret_key": "%s", "api_key": "%s", "engine": "%s",
         "client_recovery_max_publication_limit": 1000,%s%s
         "namespaces": [%s, %s]}""".formatted(port, name, o.secret, o.apiKey, o.nodes > 1 ? "hazelcast" : "memory",
        resume, proxy, ns.formatted("personal", size), ns.formatted("chat", size));
  }

  private Future<Void> startNode(int i) {
    BrokerConfig config = ConfigLoader.parse(config(options, addresses.get(i).port(), "node-" + i));
    return vertx().compose(vx -> Node.start(config, vx, true)).map(node -> {
      live.set(i, node);
      everStarted.add(node);
      return null;
    });
  }

  /**
   * A Vert.x whose threads are named {@code broker-...} (VertxBuilder has no thread factory hook in
   * 5.0.10, hence the internal bootstrap), clustered through the repo's cluster.xml for several nodes.
   */
  private Future<Vertx> vertx() {
    VertxThreadFactory named = new VertxThreadFactory() {
      @Override
      public VertxThread newVertxThread(Runnable target, String name, boolean worker, long maxExecTime, TimeUnit unit) {
        return VertxThreadFactory.INSTANCE.newVertxThread(target, THREAD_PREFIX + name, worker, maxExecTime, unit);
      }
    };
    VertxBootstrap boot = VertxBootstrap.create().options(new VertxOptions()).threadFactory(named);
    if (options.nodes > 1) return boot.clusterManager(new HazelcastClusterManager()).init().clusteredVertx();
    return Future.succeededFuture(boot.init().vertx());
  }

  boolean inProcess() {
    return inProcess;
  }

  int size() {
    return addresses.size();
  }

  List<SocketAddress> addresses() {
    return addresses;
  }

  List<String> apiUrls() {
    return addresses.stream().map(a -> "http://" + a.host() + ":" + a.port() + "/api").toList();
  }

  boolean isLive(int i) {
    return !inProcess || live.get(i) != null;
  }

  /**
   * Kills node {@code i} abruptly: its Vert.x is closed without undeploying the verticles first, so
   * clients get no close frame and the node no goodbye (as close to kill -9 as one JVM allows).
   */
  Future<Void> kill(int i) {
    Node node = live.set(i, null);
    if (node == null) return Future.succeededFuture();
    // Terminate (not shut down) the Hazelcast member: no graceful partition hand-off, as in a crash;
    // the survivors promote their backups.
    if (((VertxInternal) node.vertx()).clusterManager() instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
      hz.getHazelcastInstance().getLifecycleService().terminate();
    }
    return node.vertx().close().timeout(30, TimeUnit.SECONDS).otherwiseEmpty();
  }

  /** Gracefully closes node {@code i} (edges tell clients to reconnect), as a rolling restart does. */
  Future<Void> stop(int i) {
    Node node = live.set(i, null);
    return node == null ? Future.succeededFuture() : node.close();
  }

  Future<Void> restart(int i) {
    return startNode(i);
  }

  /** Sum over all nodes ever started (in-process) or the live targets of {@code metric}. */
  Future<Double> counter(HttpClientAgent http, String metric) {
    if (inProcess) {
      return Future.succeededFuture(everStarted.stream().mapToDouble(n -> Prometheus.value(n.metrics().scrape(), metric)).sum());
    }
    List<Future<Double>> parts = addresses.stream().map(a -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost(a.host()).setPort(a.port()).setURI("/metrics"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> Prometheus.value(body.toString(), metric))
        .otherwise(0.0)).toList();
    return Future.all(parts).map(cf -> parts.stream().mapToDouble(Future::result).sum());
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) closing.add(stop(i).otherwiseEmpty());
    return Future.join(closing).mapEmpty();
  }


  /** Reads one un-labelled sample from Prometheus text. */
  static final class Prometheus {
    private Prometheus() {}

    static double value(String text, String metric) {
      for (String line : text.split("\n")) {
        if (line.startsWith(metric + " ")) return Double.parseDouble(line.substring(metric.length() + 1).trim());
      }
      return 0;
    }
  }
}
