package io.rebound.edge;

import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.auth.JwtVerifier;
import io.rebound.bus.Addresses;
import io.rebound.config.BrokerConfig;
import io.rebound.core.HistoryQuery;
import io.rebound.bus.HistoryRequests;
import io.rebound.core.HistoryResult;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.metrics.BrokerMetrics;
import io.rebound.engine.PresenceStore;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.rebound.recovery.RecoveryRequest;
import io.rebound.recovery.RecoveryResult;
import io.rebound.engine.SyncPositionStore;
import io.rebound.webhook.LifecycleListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an edge's sessions need from the rest of the node, reached over the node-local event bus:
 * recovery, history, the publish API, presence; and, called directly, the users' sync positions and
 * the lifecycle listener (webhooks).
 * Replies arrive on the edge's own event loop.
 */
public record EdgeServices(Vertx vertx, BrokerConfig config, JwtVerifier verifier, BrokerMetrics metrics, PresenceStore presence,
    SyncPositionStore syncPositions, ConnectionLimits limits, LifecycleListener lifecycle) {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeServices.class);

  /** Engine round trips should take milliseconds; past this a client gets a temporary error, not a hang. */
  static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(10_000);

  Future<RecoveryResult> recover(RecoveryRequest request) {
    return vertx.eventBus().<RecoveryResult>request(Addresses.RECOVERY, request, REQUEST).map(Message::body).recover(EdgeServices::internal);
  }

  Future<HistoryResult> history(String channel, HistoryQuery query, StreamOptions options) {
    return vertx.eventBus().<HistoryResult>request(Addresses.HISTORY_READ, new HistoryRequests.Read(channel, query, options), REQUEST)
        .map(Message::body).recover(EdgeServices::internal);
  }

  Future<ApiReply> api(ApiRequest request) {
    return vertx.eventBus().<ApiReply>request(Addresses.API_LOCAL, request, REQUEST).map(Message::body).recover(EdgeServices::internal);
  }

  /** The user's last acknowledged position in channel (null: none stored), completed on the caller's context. */
  Future<StreamPosition> syncPosition(String channel, String user) {
    return onCaller(() -> syncPositions.get(channel, user));
  }

  /** Moves the user's stored position forward ({@link SyncPositionStore#advance}), completed on the caller's context. */
  Future<Void> advanceSync(String channel, String user, StreamPosition position, Duration ttl) {
    return onCaller(() -> syncPositions.advance(channel, user, position, ttl));
  }

  /**
   * Runs a direct store call and completes on the calling context (store futures may complete on any
   * thread); any failure, thrown or returned, becomes the same client-facing error as the other calls.
   */
  private <T> Future<T> onCaller(Supplier<Future<T>> call) {
    PromiseInternal<T> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.recover(e -> {
      LOG.debug("event=sync_store_failed cause={}", e.toString());
      return internal(e);
    }).onComplete(promise);
    return promise.future();
  }

  private static <T> Future<T> internal(Throwable cause) {
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 100 && re.failureCode() < 200) {
      return Future.failedFuture(ErrorCode.ofCode(re.failureCode()).exception());
    }
    if (cause instanceof ProtocolException) return Future.failedFuture(cause);
    return Future.failedFuture(ErrorCode.INTERNAL.exception());
  }
}
