package io.rebound.recovery;

import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.StreamPosition;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers recovery requests and coalesces identical ones: after a balancer reload thousands of
 * clients of one channel ask for the same range at once, and they should cost one history read, not
 * thousands.
 *
 * <p>Coalescing never serves a request from a read that began before the request arrived. The
 * subscriber was already registered for live publications when it asked, so a read that starts
 * later plus the live stream cover everything; a read that started earlier could miss a publication
 * made in between. Requests therefore wait for the <em>next</em> read of their key, of which at most
 * one runs at a time.
 *
 * <p>Confined to one event loop (the RecoveryVerticle's): callers hop onto it.
 */
public final class RecoveryService {

  private final Function<RecoveryRequestKeyed, Future<HistoryResult>> reader;
  private final BrokerMetrics metrics;
  private final Map<Key, List<Waiter>> waiting = new HashMap<>();
  private final Map<Key, Boolean> running = new HashMap<>();
  private long reads;

  public RecoveryService(Function<RecoveryRequestKeyed, Future<HistoryResult>> reader, BrokerMetrics metrics) {
    this.reader = reader;
    this.metrics = metrics;
  }

  /** A read to perform on behalf of every request with the same key. */
  public record RecoveryRequestKeyed(String channel, HistoryQuery query, RecoveryRequest example) {}

  private record Key(String channel, long offset, String epoch, int max, boolean topOnly) {}

  private record Waiter(RecoveryRequest request, Promise<RecoveryResult> promise) {}

  public Future<RecoveryResult> recover(RecoveryRequest request) {
    StreamPosition since = request.since();
    if (since != null) metrics.recoveryAttempted();
    Key key = since == null
        ? new Key(request.channel(), 0, "", 0, true)
        : new Key(request.channel(), since.offset(), since.epoch(), request.maxPublications(), false);
    Promise<RecoveryResult> promise = Promise.promise();
    waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiter(request, promise));
    if (!running.containsKey(key)) startRead(key);
    return promise.future();
  }

  /** History reads made so far; with coalescing this stays far below the number of requests. */
  public long reads() {
    return reads;
  }

  /** Why a recovery was refused, for the metric (the decision itself is RecoveryDecision's). */
  private static String refusal(RecoveryRequest request, HistoryResult read) {
    return Continuity.check(request.since(), read, request.maxPublications()).name().toLowerCase(java.util.Locale.ROOT);
  }

  private void startRead(Key key) {
    List<Waiter> batch = waiting.remove(key);
    if (batch == null) return;
    running.put(key, Boolean.TRUE);
    reads++;
    RecoveryRequest first = batch.get(0).request();
    HistoryQuery query = key.topOnly()
        ? HistoryQuery.topOnly()
        : HistoryQuery.since(first.since(), first.maxPublications() + 1);
    reader.apply(new RecoveryRequestKeyed(key.channel(), query, first)).onComplete(ar -> {
      running.remove(key);
      for (Waiter w : batch) {
        if (ar.failed()) {
          w.promise().fail(ar.cause());
        } else if (key.topOnly()) {
          w.promise().complete(new RecoveryResult(false, List.of(), ar.result().top()));
        } else {
          RecoveryResult result = RecoveryDecision.decide(w.request().since(), ar.result(), w.request().maxPublications());
          if (result.recovered()) metrics.recoverySucceeded();
          else metrics.recoveryRefused(refusal(w.request(), ar.result()));
          w.promise().complete(result);
        }
      }
      if (waiting.containsKey(key)) startRead(key);
    });
  }
}
