package io.rebound.loadtest.reconnect;

import io.rebound.loadtest.common.BenchClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;

/**
 * Publishes at a fixed rate through the HTTP API, spread over the channels (every K-th publication
 * to the shared channel, the rest round-robin over the personal ones). Each publication carries its
 * channel's sequence number {@code seq}; at most one publication per channel is in flight and a failed
 * one is retried with the same seq and idempotency key, so a channel's history order is its seq order
 * and a node that dies mid-request cannot create a duplicate. Confined to one event-loop context.
 */
final class RatePublisher {

  private static final long TICK_MS = 10;
  private static final long RETRY_MS = 100;

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent http;
  private final List<RequestOptions> apis;
  private final IntPredicate apiLive;
  private final List<String> channels;
  private final int sharedIndex;
  private final int rate;
  private final int sharedEvery;
  private final int maxInflight;
  private final long[] seq;
  private final int[] pending;
  private final boolean[] busy;
  private final boolean[] queued;
  private final ArrayDeque<Integer> ready = new ArrayDeque<>();
  final LongAdder published = new LongAdder();
  final LongAdder retries = new LongAdder();
  private volatile String firstError;
  private long issued;
  private int nextPersonal;
  private int nextApi;
  private int inflight;
  private long startNanos;
  private long ticker = -1;
  private Promise<long[]> drained;

  /**
   * @param channels personal channels at 0..n-2 (publisher index = client index), shared channel last
   * @param apiLive whether API URL {@code i} belongs to a node that is up (killed nodes are skipped)
   */
  RatePublisher(Vertx vertx, List<String> apiUrls, IntPredicate apiLive, String apiKey, List<String> channels, int rate,
      int sharedEvery, int maxInflight) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(maxInflight));
    this.apis = apiUrls.stream().map(api -> new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(api + "/publish")
        .putHeader("X-API-Key", apiKey).putHeader("Content-Type", "application/json").setIdleTimeout(5000)).toList();
    this.apiLive = apiLive;
    this.channels = channels;
    this.sharedIndex = channels.size() - 1;
    this.rate = rate;
    this.sharedEvery = sharedEvery;
    this.maxInflight = maxInflight;
    this.seq = new long[channels.size()];
    this.pending = new int[channels.size()];
    this.busy = new boolean[channels.size()];
    this.queued = new boolean[channels.size()];
  }

  HttpClientAgent http() {
    return http;
  }

  void start() {
    context.runOnContext(v -> {
      startNanos = System.nanoTime();
      ticker = vertx.setPeriodic(TICK_MS, t -> tick());
    });
  }

  /** Stops issuing; completes with the last seq per channel once everything issued is acknowledged. */
  Future<long[]> stop() {
    Promise<long[]> p = Promise.promise();
    context.runOnContext(v -> {
      if (ticker >= 0) vertx.cancelTimer(ticker);
      ticker = -1;
      drained = p;
      checkDrained();
    });
    return p.future();
  }

  String firstError() {
    return firstError;
  }

  private void tick() {
    long due = (System.nanoTime() - startNanos) * rate / 1_000_000_000L;
    while (issued < due) {
      int ch = issued % sharedEvery == 0 ? sharedIndex : nextPersonal++ % Math.max(1, sharedIndex);
      issued++;
      pending[ch]++;
      enqueue(ch);
    }
    pump();
  }

  private void enqueue(int ch) {
    if (busy[ch] || queued[ch] || pending[ch] == 0) return;
    queued[ch] = true;
    ready.add(ch);
  }

  private void pump() {
    while (inflight < maxInflight && !ready.isEmpty()) {
      int ch = ready.poll();
      queued[ch] = false;
      busy[ch] = true;
      pending[ch]--;
      inflight++;
      send(ch, ++seq[ch]);
    }
  }

  private void send(int ch, long s) {
    String body = "{\"channel\":\"" + channels.get(ch) + "\",\"idempotency_key\":\"s" + s + "\",\"data\":{\"seq\":" + s
        + ",\"t\":" + BenchClock.nowMicros() + "}}";
    RequestOptions api = pickApi();
    Future<Void> sent = api == null ? Future.failedFuture("no live node")
        : http.request(api).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> resp.body().compose(b -> {
          String text = b.toString();
          if (resp.statusCode() == 200 && !text.contains("\"error\"")) return Future.succeededFuture();
          return Future.failedFuture("HTTP " + resp.statusCode() + " " + text.strip());
        }));
    sent.onComplete(ar -> {
      if (ar.failed()) {
        // Same seq, same idempotency key: retried until it lands, so the sequence never has a hole.
        if (firstError == null) firstError = String.valueOf(ar.cause().getMessage());
        retries.increment();
        vertx.setTimer(RETRY_MS, t -> send(ch, s));
        return;
      }
      published.increment();
      inflight--;
      busy[ch] = false;
      enqueue(ch);
      pump();
      checkDrained();
    });
  }

  private RequestOptions pickApi() {
    for (int i = 0; i < apis.size(); i++) {
      int k = nextApi++ % apis.size();
      if (apiLive.test(k)) return apis.get(k);
    }
    return null;
  }

  private void checkDrained() {
    if (drained == null || inflight > 0) return;
    if (!ready.isEmpty()) {
      pump();
      return;
    }
    drained.tryComplete(seq.clone());
  }

  /** Publications issued per second so far (lags the target rate when the API cannot keep up). */
  double achievedRate() {
    double s = (System.nanoTime() - startNanos) / 1e9;
    return s <= 0 ? 0 : published.sum() / s;
  }

  Future<Void> close() {
    return http.close();
  }
}
