package io.rebound.auth;

import io.rebound.auth.TokenException.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys published at a JWKS endpoint ({@code token_jwks_public_endpoint}), fetched with
 * a non-blocking Vert.x HTTP client and cached, so that key rotation at the identity provider
 * needs no restart.
 *
 * <ul>
 *   <li>A cached key is found without any I/O ({@link #cached}), from any thread.
 *   <li>A {@code kid} that is not cached waits for a fetch ({@link #fetch}): the one running, if
 *       any, else the next. Fetches start at most once per {@code minRefreshInterval}, however many
 *       unknown kids arrive, so random kids cannot turn the broker into a load generator against
 *       the identity provider; a token that arrives in between waits for the next allowed fetch
 *       instead of being refused.
 *   <li>A set older than {@code maxAge} is refetched in the background while it keeps serving, so
 *       a key the provider withdrew stops working within {@code maxAge}.
 *   <li>A failed fetch (down, slow past {@code fetchTimeout}, not 200, over {@code maxBytes}, not a
 *       JWKS with a usable key) keeps the previous keys: tokens with known kids keep working while
 *       the endpoint is down; only an unknown kid gets {@link Kind#UNAVAILABLE}, a temporary error.
 *   <li>At most {@link #MAX_WAITING} tokens wait at once; beyond that they are UNAVAILABLE at once.
 * </ul>
 *
 * <p>Thread-safe: fetch state is confined to a context of its own; futures complete on the caller's
 * context. One log line per failure burst and one when the endpoint answers again.
 */
public final class JwksKeySource {

  private static final Logger LOG = LoggerFactory.getLogger(JwksKeySource.class);

  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
  public static final int DEFAULT_MAX_BYTES = 1 << 20;
  /** Tokens that may wait for a fetch at once (each holds a connect or subscribe in flight). */
  public static final int MAX_WAITING = 10_000;

  private final Vertx vertx;
  private final String endpoint;
  private final String endpointForLogs;
  private final long fetchTimeoutMs;
  private final long minRefreshNanos;
  private final long maxAgeNanos;
  private final int maxBytes;
  private final int maxWaiting;
  private final Context home;
  private final HttpClient http;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicBoolean backgroundRefreshAsked = new AtomicBoolean();

  private volatile JwkSet keys; // null until the first successful fetch
  private volatile long fetchedAtNanos;

  // Confined to home.
  private Round running;
  private Round pending;
  private long lastStartNanos;
  private boolean everStarted;
  private boolean pendingTimerSet;
  private boolean failing;
  private boolean closed;

  /** One fetch, and everyone waiting for it. */
  private static final class Round {
    final Promise<Void> done = Promise.promise();
    long startedAtNanos = Long.MAX_VALUE;
  }

  /** A source with the default timeout, refresh interval, maximum age and size. */
  public JwksKeySource(Vertx vertx, String endpoint) {
    this(vertx, endpoint, DEFAULT_FETCH_TIMEOUT, DEFAULT_MIN_REFRESH_INTERVAL, DEFAULT_MAX_AGE, DEFAULT_MAX_BYTES, MAX_WAITING);
  }

  JwksKeySource(Vertx vertx, String endpoint, Duration fetchTimeout, Duration minRefreshInterval, Duration maxAge, int maxBytes,
      int maxWaiting) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    URI uri = URI.create(endpoint);
    // Host and path only: a query or user info may carry credentials that do not belong in logs.
    this.endpointForLogs = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    this.fetchTimeoutMs = fetchTimeout.toMillis();
    this.minRefreshNanos = minRefreshInterval.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.maxBytes = maxBytes;
    this.maxWaiting = maxWaiting;
    this.home = ((VertxInternal) vertx).createEventLoopContext();
    // No keep-alive: fetches are rare, and a pooled connection the provider closed meanwhile would
    // turn the next fetch into a spurious failure.
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
        .setConnectTimeout((int) fetchTimeoutMs).setIdleTimeout((int) Math.max(1, fetchTimeout.toSeconds())));
  }

  /** Starts a fetch now (at node start); completes when it ends, never with a failure. */
  public Future<Void> prefetch() {
    Promise<Void> done = Promise.promise();
    home.runOnContext(v -> nextRound().done.future().onComplete(ar -> done.complete()));
    return done.future();
  }

  /**
   * The cached key named {@code kid} for {@code alg}, or null when the set has none (then {@link
   * #fetch}). A set past its maximum age still answers, and is refetched in the background.
   */
  Jwk cached(String kid, JwsAlgorithm alg) {
    JwkSet set = keys;
    if (set == null) return null;
    if (System.nanoTime() - fetchedAtNanos > maxAgeNanos && backgroundRefreshAsked.compareAndSet(false, true)) {
      home.runOnContext(v -> {
        if (running == null && pending == null) nextRound();
      });
    }
    return set.find(kid, alg);
  }

  /**
   * The key named {@code kid} for {@code alg} once a fetch has run: INVALID when the endpoint
   * answered without it (or only with a key of another type), UNAVAILABLE when the endpoint could
   * not be read. Completes on the caller's context.
   */
  Future<Jwk> fetch(String kid, JwsAlgorithm alg) {
    PromiseInternal<Jwk> result = ((ContextInternal) vertx.getOrCreateContext()).promise();
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      result.fail(new TokenException(Kind.UNAVAILABLE, "too many tokens are waiting for the JWKS key set"));
      return result.future();
    }
    long arrived = System.nanoTime();
    home.runOnContext(v -> await(kid, alg, arrived, false, result));
    return result.future();
  }

  /** On home: waits for the running fetch, or the next; a fetch that began before the token arrived gets one more try. */
  private void await(String kid, JwsAlgorithm alg, long arrived, boolean secondTry, Promise<Jwk> result) {
    Round round = running != null ? running : nextRound();
    round.done.future().onComplete(ar -> {
      Jwk key = keys == null ? null : keys.find(kid, alg);
      if (key == null && !secondTry && round.startedAtNanos < arrived && !closed) {
        // The fetch joined may have read the set just before the provider published this kid.
        await(kid, alg, arrived, true, result);
        return;
      }
      waiting.decrementAndGet();
      if (key != null) result.complete(key);
      else if (keys != null && keys.has(kid)) result.fail(TokenClaims.invalid("JWKS key " + CompactJws.printable(kid) + " cannot check " + alg));
      else if (ar.failed()) result.fail(new TokenException(Kind.UNAVAILABLE, "JWKS endpoint unavailable: " + ar.cause().getMessage()));
      else result.fail(TokenClaims.invalid("unknown kid " + CompactJws.printable(kid)));
    });
  }

  /** On home: the round not yet started, created and scheduled if needed. */
  private Round nextRound() {
    Round round = pending;
    if (round == null) {
      round = pending = new Round();
      schedulePending(); // may start it at once, which moves it from pending to running
    }
    return round;
  }

  private void schedulePending() {
    if (pending == null || running != null || pendingTimerSet) return;
    if (closed) {
      Round r = pending;
      pending = null;
      r.done.fail("closed");
      return;
    }
    long waitNanos = everStarted ? lastStartNanos + minRefreshNanos - System.nanoTime() : 0;
    if (waitNanos <= 0) {
      startPending();
    } else {
      pendingTimerSet = true;
      vertx.setTimer(Math.max(1, waitNanos / 1_000_000), t -> {
        pendingTimerSet = false;
        schedulePending();
      });
    }
  }

  private void startPending() {
    Round round = pending;
    pending = null;
    running = round;
    everStarted = true;
    lastStartNanos = System.nanoTime();
    round.startedAtNanos = lastStartNanos;
    download().onComplete(ar -> {
      running = null;
      if (ar.succeeded()) loaded(ar.result());
      else failed(ar.cause());
      backgroundRefreshAsked.set(false);
      round.done.handle(ar.mapEmpty());
      schedulePending();
    });
  }

  private void loaded(JwkSet set) {
    JwkSet before = keys;
    keys = set;
    fetchedAtNanos = System.nanoTime();
    if (failing || before == null || !before.keys().keySet().equals(set.keys().keySet())) {
      LOG.info("event=jwks_loaded endpoint={} kids={} skipped={}", endpointForLogs, new TreeSet<>(set.keys().keySet()), set.skipped());
    }
    failing = false;
  }

  private void failed(Throwable cause) {
    if (!failing) {
      LOG.warn("event=jwks_fetch_failed endpoint={} cached_keys={} error=\"{}\" (cached keys keep working; retried on the next unknown kid)",
          endpointForLogs, keys == null ? 0 : keys.keys().size(), cause.getMessage());
    } else {
      LOG.debug("event=jwks_fetch_failed endpoint={} error=\"{}\"", endpointForLogs, cause.getMessage());
    }
    failing = true;
  }

  /** On home: one GET of the endpoint, bounded in time and size. */
  private Future<JwkSet> download() {
    Promise<JwkSet> done = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long timer = vertx.setTimer(fetchTimeoutMs, t -> {
      if (done.tryFail(new TimeoutException("no complete answer within " + fetchTimeoutMs + " ms")) && sent[0] != null) sent[0].reset();
    });
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(endpoint)
        .setFollowRedirects(false).putHeader(HttpHeaders.ACCEPT, "application/json");
    http.request(request)
        .compose(req -> {
          sent[0] = req;
          return req.send();
        })
        .onSuccess(response -> read(response, done))
        .onFailure(done::tryFail);
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void read(HttpClientResponse response, Promise<JwkSet> done) {
    if (response.statusCode() != 200) {
      done.tryFail("HTTP " + response.statusCode());
      response.request().reset();
      return;
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && !(length.matches("\\d{1,9}") && Integer.parseInt(length) <= maxBytes)) {
      done.tryFail("answer of " + CompactJws.printable(length) + " bytes is over " + maxBytes);
      response.request().reset();
      return;
    }
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (done.future().isComplete()) return;
      if (body.length() + chunk.length() > maxBytes) {
        done.tryFail("answer is over " + maxBytes + " bytes");
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> {
      if (done.future().isComplete()) return;
      try {
        done.tryComplete(JwkSet.parse(body.getBytes()));
      } catch (IllegalArgumentException e) {
        done.tryFail("not a usable JWKS document: " + e.getMessage());
      }
    });
  }

  /** Stops fetching; waiting tokens get UNAVAILABLE. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    home.runOnContext(v -> {
      closed = true;
      schedulePending();
      http.close().onComplete(ar -> done.complete());
    });
    return done.future();
  }
}
