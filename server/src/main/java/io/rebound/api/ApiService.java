package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.Errors;
import io.rebound.config.BrokerConfig;
import io.rebound.core.LogSafe;
import io.rebound.core.NodeStats;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.PresenceStore;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API (Centrifugo's methods) as a registry: method name → {@link ApiMethod}, filled by
 * four groups — {@link PublishMethods} (publish, broadcast, batch), {@link ChannelMethods} (presence,
 * presence_stats, history, history_remove), {@link ConnectionMethods} (subscribe, unsubscribe,
 * disconnect, refresh) and {@link NodeMethods} (info, channels). {@link #methods()} is the one list
 * of names: HTTP answers 404 for any other.
 *
 * <p>One instance per node, thread-safe: {@link #call} runs on the caller's event loop (the HTTP
 * API's connection, the {@link ApiVerticle}'s doors), with no event-bus hop of its own. A publication
 * is stored and handed to fan-out on its channel's shard ({@link ChannelShards}), one event loop per
 * channel, so a channel's publications keep one order however many loops call. {@link #call} completes with the {@code result} object or fails with a {@link ProtocolException},
 * never anything else and never by throwing.
 */
public final class ApiService {

  private static final Logger LOG = LoggerFactory.getLogger(ApiService.class);

  private final Map<String, ApiMethod> methods;
  private final BrokerMetrics metrics;
  private final ClusterStats stats;

  /** @param history the node's history engine, called directly (it is thread-safe and never blocks) */
  public ApiService(Vertx vertx, BrokerConfig config, Broadcaster broadcaster, HistoryEngine history, PresenceStore presence,
      Supplier<Future<NodeStats>> nodeStats, BrokerMetrics metrics) {
    this(vertx, config, broadcaster, history, presence, nodeStats, metrics, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  /** @param shards channel shards: event loops that store and fan out publications, by channel */
  ApiService(Vertx vertx, BrokerConfig config, Broadcaster broadcaster, HistoryEngine historyEngine, PresenceStore presence,
      Supplier<Future<NodeStats>> nodeStats, BrokerMetrics metrics, int shards) {
    this.metrics = metrics;
    this.stats = new ClusterStats(vertx, nodeStats, config.name(), ClusterSigner.of(config.cluster().secret()));
    HistoryCalls history = new HistoryCalls(vertx, historyEngine);
    Map<String, ApiMethod> table = new LinkedHashMap<>();
    BiConsumer<String, ApiMethod> register = (name, method) -> {
      if (table.putIfAbsent(name, method) != null) throw new IllegalStateException("two API methods named " + name);
    };
    new PublishMethods(config, broadcaster, history, new ChannelShards(vertx, shards), metrics, this::call).register(register);
    new ChannelMethods(config, presence, history).register(register);
    new ConnectionMethods(vertx.eventBus(), config).register(register);
    new NodeMethods(stats).register(register);
    this.methods = Collections.unmodifiableMap(table);
  }

  /**
   * Starts sharing this node's summary with the cluster (for {@code info}) and answering the other
   * nodes' {@code channels} requests. Call on the verticle's context: its consumer and timer end with it.
   */
  public void start() {
    stats.startPublishing();
  }

  /** The names {@link #call} understands, in registration order. Immutable; safe to read from any thread. */
  public Set<String> methods() {
    return methods.keySet();
  }

  /**
   * Runs {@code request.method()}: 104 "method not found" for a name not in {@link #methods()};
   * a failure that is not a protocol error (a bug, an unreachable collaborator) is logged here, once,
   * and answered as 100.
   */
  public Future<JsonNode> call(ApiRequest request) {
    ApiMethod method = methods.get(request.method());
    // Unknown names are not counted: a per-name counter would grow a metric series for every string a caller sends.
    if (method == null) return Future.failedFuture(ErrorCode.METHOD_NOT_FOUND.exception());
    metrics.apiRequest(request.method());
    Future<JsonNode> result;
    try {
      result = method.call(request);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return onCallersContext(result).recover(cause -> {
      if (!Errors.expected(cause)) LOG.error("event=api_failure method={}", LogSafe.value(request.method()), cause);
      return Errors.failed(cause);
    });
  }

  /**
   * {@code result}, completing on the calling context: a method may complete on another loop (an
   * edge answering for its statistics, an engine's connection), and the caller — an HTTP response,
   * the next command of a batch — must go on where it is. Free when it is already complete.
   */
  private static <T> Future<T> onCallersContext(Future<T> result) {
    if (result.isComplete()) return result;
    ContextInternal caller = (ContextInternal) Vertx.currentContext();
    if (caller == null) return result;
    PromiseInternal<T> answer = caller.promise();
    result.onComplete(answer);
    return answer.future();
  }
}
