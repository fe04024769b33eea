package io.rebound.edge.session;

import io.rebound.auth.JwtSigner;
import io.rebound.auth.JwtVerifier;
import io.rebound.bus.Addresses;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.channel.Channels;
import io.rebound.codec.json.JsonCodec;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.core.HistoryQuery;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.edge.Edge;
import io.rebound.edge.EdgeRegistry;
import io.rebound.edge.EdgeServicesFactory;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.engine.memory.MemoryPresence;
import io.rebound.engine.memory.MemorySyncPositions;
import io.rebound.history.HistoryVerticle;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.recovery.RecoveryVerticle;
import io.rebound.testing.Await;
import io.rebound.webhook.LifecycleListener;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Everything a session needs, in process and without sockets: a Vert.x instance with the real
 * history (memory engine) and recovery verticles, the real edge services (JWT verifier, metrics,
 * memory presence and sync positions), and {@link Edge}s — each on its own event loop — whose
 * sessions talk to {@link FakeTransport}s. Publications go through the real broadcaster, so they
 * reach the edges as in a node.
 */
final class SessionBed implements AutoCloseable {

  static final String SECRET = "session-test-secret-that-is-long-enough";

  final Vertx vertx = Vertx.vertx();
  final BrokerConfig config;
  final BrokerMetrics metrics = new BrokerMetrics();
  final MemoryHistory history = new MemoryHistory();
  final MemorySyncPositions syncPositions = new MemorySyncPositions();
  final EdgeServices services;
  final JwtVerifier verifier;
  final EdgeRegistry registry = new EdgeRegistry(vertx);
  final EventBusBroadcaster broadcaster = io.rebound.testing.Await.result(EventBusBroadcaster.start(vertx, io.rebound.bus.ClusterSigner.of("")));
  final JwtSigner signer = new JwtSigner(SECRET);

  SessionBed(String configJson) {
    config = ConfigLoader.parse(configJson.replaceFirst("\\{", "{\"token_hmac_secret_key\": \"" + SECRET + "\", \"api_key\": \"k\", "));
    // As a node builds it: a config naming a JWKS endpoint gets a verifier that fetches from it.
    verifier = JwtVerifier.create(vertx, config.connectionTokens(), config.separateSubscriptionTokens());
    services = EdgeServicesFactory.create(vertx, config, verifier, metrics, new MemoryPresence(), syncPositions,
        LifecycleListener.NONE);
    Await.result(vertx.deployVerticle(new HistoryVerticle(history)));
    Await.result(vertx.deployVerticle(new RecoveryVerticle(metrics)));
  }

  /** A new edge, receiving fan-out like a node's edge (its hub takes the broadcaster's interest per channel). */
  Edge newEdge() {
    return new Edge(vertx, vertx.getOrCreateContext(), services, registry, broadcaster);
  }

  /** A client connection accepted by {@code edge}; returns the client's end and the server's session. */
  Client accept(Edge edge) {
    FakeTransport transport = FakeTransport.on(edge.context());
    ClientSession session = onLoop(edge, () -> edge.open(transport, JsonCodec.INSTANCE, System.currentTimeMillis()));
    return new Client(transport, session, edge);
  }

  record Client(FakeTransport transport, ClientSession session, Edge edge) {}

  /** Runs {@code call} on {@code edge}'s event loop and waits for its result. */
  static <T> T onLoop(Edge edge, Callable<T> call) {
    Promise<T> promise = Promise.promise();
    edge.context().runOnContext(v -> {
      try {
        promise.complete(call.call());
      } catch (Throwable t) {
        promise.fail(t);
      }
    });
    return Await.result(promise.future());
  }

  static void onLoop(Edge edge, Runnable run) {
    onLoop(edge, () -> {
      run.run();
      return null;
    });
  }

  String token(String user) {
    return signer.sign(Map.of("sub", user, "exp", System.currentTimeMillis() / 1000 + 3600));
  }

  String token(Map<String, ?> claims) {
    return signer.sign(claims);
  }

  StreamOptions streamOptions(String channel) {
    return Channels.resolve(channel, config).options().streamOptions();
  }

  /** Stores a publication in history without fanning it out (as if its fan-out was lost). */
  StreamPosition store(String channel, String data) {
    return Await.result(history.append(channel, Publication.of(data), streamOptions(channel), null)).position();
  }

  /** Stores a publication and fans it out to every edge, as the publish API does. */
  StreamPosition publish(String channel, String data) {
    StreamPosition at = store(channel, data);
    broadcaster.publish(FanoutMessage.publication(channel, new Publication(at.offset(), data, null, null), at.epoch()));
    return at;
  }

  /** A publication fan-out message at {@code offset} of {@code epoch}, not stored anywhere. */
  static FanoutMessage fanout(String channel, long offset, String epoch) {
    String data = "{\"n\":" + offset + "}";
    return FanoutMessage.publication(channel, new Publication(offset, data, null, null), epoch);
  }

  StreamPosition top(String channel) {
    return Await.result(history.read(channel, HistoryQuery.topOnly(), streamOptions(channel))).top();
  }

  @Override
  public void close() {
    Await.result(verifier.close());
    Await.result(vertx.close());
  }
}
