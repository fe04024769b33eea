package io.rebound.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.rebound.config.ProxyOptions;
import io.rebound.config.ProxyOptions.Hook;
import io.rebound.protocol.Disconnect;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one hook's JSON body to the backend and reads the documented answer: {@code {"result":
 * {…}}}, {@code {"error": {code, message[, temporary]}}} or {@code {"disconnect": {code, reason}}}.
 *
 * <p>Calls go through one pooled Vert.x {@link WebClient} (keep-alive connections) and never block;
 * each has one deadline, the hook's timeout, counted from the call (waiting for a slot of the node's
 * {@link CallLimiter} included), past which it fails and its request is reset. Bodies above {@link
 * #MAX_BODY_BYTES} are refused while they arrive. The future completes on the caller's
 * context: with the {@code result} object; or {@link BackendRefusal} (the backend said no); or
 * {@link ProxyUnavailable} (no usable answer). One log line per failure burst of a hook, one when it
 * answers again. Thread-safe: shared by a node's edges.
 */
public final class ProxyClient {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A backend answer larger than this is garbage for our purposes (it would only be buffered). */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final ProxyOptions options;
  private final WebClient http;
  private final CallLimiter limiter;
  private final ProxyMetrics metrics;
  private final Map<Hook, AtomicInteger> failuresInBurst = new EnumMap<>(Hook.class);

  public ProxyClient(Vertx vertx, ProxyOptions options, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    // Keep-alive connections, as many as calls may be in flight: a storm reuses them instead of a handshake per call.
    this.http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true).setUserAgent("rebound-proxy"),
        new PoolOptions().setHttp1MaxSize(Math.max(1, options.maxInFlight())));
    this.limiter = new CallLimiter(options.maxInFlight(), options.maxQueued());
    this.metrics = new ProxyMetrics(registry, limiter);
    for (Hook h : Hook.values()) failuresInBurst.put(h, new AtomicInteger());
  }

  public ProxyOptions options() {
    return options;
  }

  /** Calls {@code hook} (it must be configured) with {@code body}, forwarding {@code clientHeaders}; see the class contract. */
  public Future<JsonNode> call(Hook hook, ObjectNode body, Map<String, String> clientHeaders) {
    ProxyOptions.Endpoint endpoint = options.endpoint(hook);
    Context caller = vertx.getOrCreateContext();
    Promise<JsonNode> result = Promise.promise();
    Buffer payload = Buffer.buffer(body.toString());
    long started = System.nanoTime();
    long deadline = started + endpoint.timeout().toNanos();
    CallLimiter.Ticket ticket = limiter.submit(caller, () -> {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (result.future().isComplete() || left <= 0) {
        limiter.release(); // its deadline passed while it waited
        return;
      }
      HttpRequest<Buffer> request = http.postAbs(endpoint.url().toString()).timeout(left);
      options.staticHttpHeaders().forEach(request::putHeader);
      clientHeaders.forEach(request::putHeader); // a forwarded client header wins over a static one
      request.putHeader("Content-Type", "application/json");
      BoundedBody answer = new BoundedBody(MAX_BODY_BYTES);
      // The request's own timeout is what is left of the deadline: past it Vert.x resets the
      // request, so the slot and the pooled connection come back without waiting for the backend.
      request.as(BodyCodec.pipe(answer, true)).sendBuffer(payload).onComplete(ar -> {
        limiter.release();
        if (ar.failed()) {
          result.tryFail(unavailable(ar.cause()));
        } else if (ar.result().statusCode() != 200) {
          result.tryFail(new ProxyUnavailable(ProxyUnavailable.Kind.STATUS, "HTTP status " + ar.result().statusCode()));
        } else {
          try {
            result.tryComplete(JSON.readTree(answer.body().getBytes()));
          } catch (java.io.IOException | RuntimeException e) {
            result.tryFail(new ProxyUnavailable(ProxyUnavailable.Kind.INVALID, "answer is not JSON"));
          }
        }
      });
    });
    if (ticket == null) {
      result.fail(new ProxyUnavailable(ProxyUnavailable.Kind.OVERLOADED, "too many backend calls waiting on this node"));
    } else {
      long timer = vertx.setTimer(Math.max(1, endpoint.timeout().toMillis()), t -> {
        if (result.tryFail(new ProxyUnavailable(ProxyUnavailable.Kind.TIMEOUT, "no answer within " + endpoint.timeout().toMillis() + " ms"))) {
          limiter.cancel(ticket); // still waiting for a slot: it never starts
        }
      });
      result.future().onComplete(ar -> vertx.cancelTimer(timer));
    }
    return result.future().transform(ar -> interpret(hook, ar.succeeded() ? ar.result() : null, ar.cause(), started));
  }

  private static ProxyUnavailable unavailable(Throwable cause) {
    if (cause instanceof ProxyUnavailable u) return u;
    if (cause instanceof java.util.concurrent.TimeoutException) return new ProxyUnavailable(ProxyUnavailable.Kind.TIMEOUT, cause.getMessage());
    return new ProxyUnavailable(ProxyUnavailable.Kind.UNREACHABLE, cause.toString());
  }

  /** The documented answer: result, error or disconnect; anything else is garbage (unavailable). */
  private Future<JsonNode> interpret(Hook hook, JsonNode answer, Throwable failure, long started) {
    if (failure != null) return failed(hook, (ProxyUnavailable) failure);
    metrics.answered(hook, System.nanoTime() - started);
    JsonNode error = answer == null ? null : answer.get("error");
    JsonNode disconnect = answer == null ? null : answer.get("disconnect");
    JsonNode result = answer == null ? null : answer.get("result");
    if (error != null && error.isObject() && error.path("code").canConvertToInt() && error.path("code").asInt() > 0) {
      answered(hook, "error");
      return Future.failedFuture(new BackendRefusal(new ProtocolException(error.path("code").asInt(),
          error.path("message").asText(""), error.path("temporary").asBoolean(false)), null));
    }
    if (disconnect != null && disconnect.isObject() && disconnect.path("code").canConvertToInt() && disconnect.path("code").asInt() > 0) {
      answered(hook, "disconnect");
      return Future.failedFuture(new BackendRefusal(null, new Disconnect(disconnect.path("code").asInt(), disconnect.path("reason").asText(""))));
    }
    if (result == null || !result.isObject()) {
      return failed(hook, new ProxyUnavailable(ProxyUnavailable.Kind.INVALID, "answer has no result, error or disconnect object"));
    }
    answered(hook, "ok");
    return Future.succeededFuture(result);
  }

  private void answered(Hook hook, String outcome) {
    metrics.outcome(hook, outcome);
    int failed = failuresInBurst.get(hook).getAndSet(0);
    if (failed > 0) LOG.info("event=proxy_recovered hook={} failed_calls={}", hook.key, failed);
  }

  private <T> Future<T> failed(Hook hook, ProxyUnavailable e) {
    metrics.outcome(hook, e.kind().name().toLowerCase(java.util.Locale.ROOT));
    // One line per burst: the first failure after an answer; the count comes with the recovery line.
    if (failuresInBurst.get(hook).getAndIncrement() == 0) {
      LOG.warn("event=proxy_failed hook={} endpoint={} kind={} reason=\"{}\" (further failures are counted, not logged, until it answers)",
          hook.key, options.endpoint(hook).url(), e.kind(), e.getMessage());
    }
    return Future.failedFuture(e);
  }

  /** Closes the HTTP client. */
  public void close() {
    http.close();
  }
}
