package io.rebound.api;

import io.rebound.bus.Addresses;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.engine.HistoryEngine;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's calls into the node's {@link HistoryEngine} (append, read, remove), made directly on the
 * caller's event loop: engines are thread-safe and never block, so the event-bus round trip through
 * the history verticle bought nothing but two thread hand-offs per publish. What that round trip
 * gave is kept:
 *
 * <ul>
 *   <li>a failure is 100 "history engine unavailable: &lt;cause&gt;" — the engine is unreachable or
 *       slow, a temporary error the caller may retry — logged once as {@code history_engine_failure},
 *       so a backend (and README's Redis fault notes) can tell a storage outage from a bug;
 *   <li>an answer that has not come within {@link Addresses#SEND_TIMEOUT_MS} is that failure too,
 *       never a hang;
 *   <li>the answer completes on the caller's context (an engine may complete on its own connection's),
 *       so what the caller does next — fan-out, the next command of a batch — stays on its loop.
 * </ul>
 *
 * <p>An engine that answers at once (the memory engine) costs neither a timer nor a hop. Thread-safe.
 */
final class HistoryCalls {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryCalls.class);

  private final VertxInternal vertx;
  private final HistoryEngine engine;

  HistoryCalls(Vertx vertx, HistoryEngine engine) {
    this.vertx = (VertxInternal) vertx;
    this.engine = engine;
  }

  Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
    return call(() -> engine.append(channel, publication, options, idempotencyKey));
  }

  Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
    return call(() -> engine.read(channel, query, options));
  }

  Future<Void> remove(String channel) {
    return call(() -> engine.remove(channel));
  }

  private <T> Future<T> call(Supplier<Future<T>> operation) {
    Future<T> result;
    try {
      result = operation.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    if (result.isComplete()) return result.succeeded() ? result : unavailable(result.cause());
    ContextInternal caller = vertx.getContext();
    PromiseInternal<T> answer = caller != null ? caller.promise() : vertx.promise();
    long timer = vertx.setTimer(Addresses.SEND_TIMEOUT_MS,
        id -> answer.tryFail(new IllegalStateException("no answer within " + Addresses.SEND_TIMEOUT_MS + " ms")));
    result.onComplete((value, failure) -> {
      if (failure == null) answer.tryComplete(value);
      else answer.tryFail(failure);
    });
    return answer.future().transform(ar -> {
      vertx.cancelTimer(timer);
      return ar.succeeded() ? Future.succeededFuture(ar.result()) : unavailable(ar.cause());
    });
  }

  /** 100 "history engine unavailable: &lt;cause&gt;", logged once. */
  static <T> Future<T> unavailable(Throwable cause) {
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    LOG.warn("event=history_engine_failure error=\"{}\"", cause.toString());
    return Future.failedFuture(ErrorCode.INTERNAL.exception("history engine unavailable: " + message));
  }
}
