package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.core.NodeStats;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.FanoutReceiver;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.engine.memory.MemoryPresence;
import io.rebound.history.HistoryVerticle;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node's API without its HTTP server or edges: a real Vert.x (not clustered, no sockets), the
 * memory history engine (also behind a real {@link HistoryVerticle}, as in a node), memory presence,
 * the event-bus broadcaster, and the {@link ApiService} deployed in its {@link ApiVerticle}. Calls go through
 * {@link Addresses#API_LOCAL} exactly as HTTP's and the edges' do; fan-out messages and edge control
 * messages are recorded as the edges would receive them.
 */
final class ApiFixture implements AutoCloseable {

  static final String CONFIG = """
      {"name": "unit", "token_hmac_secret_key": "unit-secret", "api_key": "unit-key", "namespaces": [
        {"name": "news", "presence": true, "history_size": 10, "history_ttl": "300s"},
        {"name": "plain"}
      ]}
      """;

  final Vertx vertx = Vertx.vertx();
  final BrokerConfig config;
  final BrokerMetrics metrics = new BrokerMetrics();
  final List<FanoutMessage> fanouts = new CopyOnWriteArrayList<>();
  final List<JsonObject> controls = new CopyOnWriteArrayList<>();
  final ApiService service;

  /** With the memory presence store and this node's statistics as {@code stats}. */
  ApiFixture(NodeStats stats) {
    this(new MemoryPresence(), stats, true);
  }

  /** @param withHistory false: the history engine is down (every call fails, as an unreachable Redis's do) */
  ApiFixture(PresenceStore presence, NodeStats stats, boolean withHistory) {
    this(CONFIG, withHistory ? new MemoryHistory() : new DownHistory(), presence, stats);
  }

  /** With {@code configJson} instead of {@link #CONFIG} and {@code history} as the node's history engine. */
  ApiFixture(String configJson, HistoryEngine history) {
    this(configJson, history, new MemoryPresence(), stats(Map.of()));
  }

  private ApiFixture(String configJson, HistoryEngine history, PresenceStore presence, NodeStats stats) {
    config = ConfigLoader.parse(configJson);
    ClusterSigner signer = ClusterSigner.of(config.cluster().secret());
    vertx.eventBus().<JsonObject>localConsumer(Addresses.EDGE_CONTROL, m -> {
      // Only sealed control messages count; the time stamp the seal adds is not the method's business.
      JsonObject opened = signer.open(m.body(), System.currentTimeMillis());
      if (opened != null) {
        opened.remove("ts");
        controls.add(opened);
      }
    });
    Broadcaster broadcaster = Await.result(EventBusBroadcaster.start(vertx, signer));
    service = new ApiService(vertx, config, new Recording(broadcaster, fanouts), history, presence, () -> Future.succeededFuture(stats), metrics);
    Await.result(vertx.deployVerticle(new HistoryVerticle(history)));
    Await.result(vertx.deployVerticle(new ApiVerticle(service, config)));
  }

  /** The node's broadcaster, and a list of every message the API hands it (what the methods under test fan out). */
  private record Recording(Broadcaster broadcaster, List<FanoutMessage> published) implements Broadcaster {
    @Override
    public Future<Void> publish(FanoutMessage message) {
      published.add(message);
      return broadcaster.publish(message);
    }

    @Override
    public Future<Void> interest(String channel, FanoutReceiver receiver) {
      return broadcaster.interest(channel, receiver);
    }

    @Override
    public void release(String channel, FanoutReceiver receiver) {
      broadcaster.release(channel, receiver);
    }
  }

  static NodeStats stats(Map<String, Integer> channels) {
    return new NodeStats(3, 2, channels, channels.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** Calls {@code method} with {@code paramsJson} decoded as HTTP decodes a body (payload kept as raw text). */
  ApiReply call(String method, String paramsJson) {
    CommandDecoder.Params params = CommandDecoder.decodeParams(paramsJson);
    return call(new ApiRequest(method, params.params(), params.data(), null));
  }

  ApiReply call(ApiRequest request) {
    return Await.result(vertx.eventBus().<ApiReply>request(Addresses.API_LOCAL, request).map(Message::body));
  }

  /**
   * The result of a call that must succeed, as a client reads it: encoded and parsed again (results
   * splice stored JSON in as raw values, which only the encoding resolves).
   */
  JsonNode ok(String method, String paramsJson) {
    ApiReply reply = call(method, paramsJson);
    if (reply.error() != null) throw new AssertionError(method + " " + paramsJson + " failed: " + reply.error().code() + " " + reply.error().getMessage());
    try {
      return Replies.JSON.readTree(Replies.encode(reply.result()).getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A history engine that cannot be reached: every call fails at once. */
  private static final class DownHistory implements HistoryEngine {
    @Override
    public Future<io.rebound.core.AppendResult> append(String channel, io.rebound.core.Publication publication, io.rebound.core.StreamOptions options, String key) {
      return Future.failedFuture(new IllegalStateException("connection refused"));
    }

    @Override
    public Future<io.rebound.core.HistoryResult> read(String channel, io.rebound.core.HistoryQuery query, io.rebound.core.StreamOptions options) {
      return Future.failedFuture(new IllegalStateException("connection refused"));
    }

    @Override
    public Future<Void> remove(String channel) {
      return Future.failedFuture(new IllegalStateException("connection refused"));
    }
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
