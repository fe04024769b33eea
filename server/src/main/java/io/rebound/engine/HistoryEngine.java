package io.rebound.engine;

import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;

import io.vertx.core.Future;

/**
 * Storage of channel streams. One interface, one contract test suite
 * ({@code HistoryEngineContractTest}), several implementations: {@link MemoryHistory} for a single
 * node, Hazelcast for a cluster whose history must survive a member loss, Redis for history that
 * survives a full restart.
 *
 * <p>All methods are asynchronous and must never block the calling event loop. Futures may complete
 * on any thread; callers that need their own context hop back to it.
 */
public interface HistoryEngine {

  /**
   * Appends {@code publication} to {@code channel}'s stream and gives it the next offset.
   *
   * <p>Atomic per channel across every node using the same store: two concurrent appends never get
   * the same offset and never leave a gap. In the same step the stream is trimmed to {@code
   * options.size()} publications and its lifetime is reset to {@code options.ttl()} (position kept
   * for {@code options.metaTtl()}). A stream that does not exist, or has expired, is created with a
   * fresh random epoch and starts at offset 1.
   *
   * @param publication its offset is ignored
   * @param idempotencyKey when non-null and an append with the same key on the same channel happened
   *     within {@link #IDEMPOTENCY_WINDOW_MS}, nothing is appended and the first result is returned
   *     with {@code duplicate = true}
   */
  Future<AppendResult> append(String channel, Publication publication, StreamOptions options, String idempotencyKey);

  /**
   * Reads {@code channel}'s stream. An unknown or expired stream reads as empty, with top offset 0
   * and a fresh epoch that the next append will keep (so a client that saw the empty stream can
   * recover across the first publication). Expired publications are never returned.
   */
  Future<HistoryResult> read(String channel, HistoryQuery query, StreamOptions options);

  /** Drops the stream's publications; the position (offset and epoch) is kept so clients notice no reset. */
  Future<Void> remove(String channel);

  /** Releases connections and timers. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** How long an idempotency key is remembered (5 minutes, as Centrifugo's idempotent result TTL). */
  long IDEMPOTENCY_WINDOW_MS = 5 * 60_000L;
}
