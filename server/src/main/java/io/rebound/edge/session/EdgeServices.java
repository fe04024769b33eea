package io.rebound.edge.session;

import io.rebound.auth.JwtVerifier;
import io.rebound.bus.Addresses;
import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.bus.HistoryRequests;
import io.rebound.config.BrokerConfig;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.PresenceStore;
import io.rebound.engine.SyncPositionStore;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.proxy.BackendProxy;
import io.rebound.recovery.RecoveryRequest;
import io.rebound.recovery.RecoveryResult;
import io.rebound.webhook.LifecycleListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an edge's sessions need from the rest of the node, reached over the node-local event bus:
 * recovery, history, the publish API, presence; and, called directly, the users' sync positions and
 * the lifecycle listener (webhooks, {@link LifecycleListener}: never blocks).
 * Every result completes on the calling event loop, and every failure is a protocol error ({@link
 * Errors#toProtocol}): a client gets a temporary error (100), never a hang ({@link Addresses#REQUEST}).
 * The application backend's hooks ({@code proxy}) are null when none is configured. Thread-safe
 * (immutable); never blocks.
 */
public record EdgeServices(Vertx vertx, BrokerConfig config, JwtVerifier verifier, BrokerMetrics metrics, PresenceStore presence,
    SyncPositionStore syncPositions, ConnectionLimits limits, LifecycleListener lifecycle, BackendProxy proxy) {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeServices.class);

  public Future<RecoveryResult> recover(RecoveryRequest request) {
    return vertx.eventBus().<RecoveryResult>request(Addresses.RECOVERY, request, Addresses.REQUEST).map(Message::body).recover(Errors::failed);
  }

  public Future<HistoryResult> history(String channel, HistoryQuery query, StreamOptions options) {
    return vertx.eventBus().<HistoryResult>request(Addresses.HISTORY_READ, new HistoryRequests.Read(channel, query, options), Addresses.REQUEST)
        .map(Message::body).recover(Errors::failed);
  }

  public Future<ApiReply> api(ApiRequest request) {
    return vertx.eventBus().<ApiReply>request(Addresses.API_LOCAL, request, Addresses.REQUEST).map(Message::body).recover(Errors::failed);
  }

  /** The user's last acknowledged position in channel (null: none stored), completed on the caller's context. */
  public Future<StreamPosition> syncPosition(String channel, String user) {
    return onCaller(() -> syncPositions.get(channel, user));
  }

  /** Moves the user's stored position forward ({@link SyncPositionStore#advance}), completed on the caller's context. */
  public Future<Void> advanceSync(String channel, String user, StreamPosition position, Duration ttl) {
    return onCaller(() -> syncPositions.advance(channel, user, position, ttl));
  }

  /**
   * Runs a direct store call and completes on the calling context (store futures may complete on any
   * thread: Hazelcast's and Redis' do); any failure, thrown or returned, becomes a protocol error.
   */
  private <T> Future<T> onCaller(Supplier<Future<T>> call) {
    Context caller = vertx.getOrCreateContext();
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    Future<T> mapped = result.recover(e -> {
      LOG.debug("event=sync_store_failed cause={}", e.toString());
      return Errors.failed(e);
    });
    return Future.fromCompletionStage(mapped.toCompletionStage(), caller);
  }
}
