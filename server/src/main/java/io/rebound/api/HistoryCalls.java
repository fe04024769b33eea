package io.rebound.api;

import io.rebound.bus.Addresses;
import io.rebound.bus.Errors;
import io.rebound.bus.HistoryRequests;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

/**
 * The API's requests to the node's history verticle (append, read, remove), each bounded by {@link
 * Addresses#SEND_TIMEOUT_MS}. A failure is 100 "history engine unavailable: &lt;cause&gt;" — the
 * engine is unreachable or slow, a temporary error the caller may retry, never a hang — so a
 * backend (and README's Redis fault notes) can tell a storage outage from a bug.
 */
final class HistoryCalls {

  private final Vertx vertx;

  HistoryCalls(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey) {
    return this.<AppendResult>request(Addresses.HISTORY_APPEND, new HistoryRequests.Append(channel, publication, options, idempotencyKey));
  }

  Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options) {
    return request(Addresses.HISTORY_READ, new HistoryRequests.Read(channel, query, options));
  }

  Future<Void> remove(String channel) {
    return request(Addresses.HISTORY_REMOVE, new HistoryRequests.Remove(channel)).mapEmpty();
  }

  private <T> Future<T> request(String address, Object body) {
    return vertx.eventBus().<T>request(address, body, Addresses.REQUEST).map(Message::body).recover(HistoryCalls::unavailable);
  }

  /** {@link Errors#toProtocol}, naming the history engine when the answer would otherwise be a bare 100. */
  static <T> Future<T> unavailable(Throwable cause) {
    ProtocolException mapped = Errors.toProtocol(cause);
    if (mapped != cause && mapped.error() == ErrorCode.INTERNAL) {
      mapped = ErrorCode.INTERNAL.exception("history engine unavailable: " + cause.getMessage());
    }
    return Future.failedFuture(mapped);
  }
}
