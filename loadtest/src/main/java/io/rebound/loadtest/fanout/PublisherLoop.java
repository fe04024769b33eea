package io.rebound.loadtest.fanout;

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
import io.vertx.core.json.Json;
import java.util.List;

/**
 * Posts the publications of a round to {@code <api>/publish}, round-robin over the API URLs, keeping
 * {@code inflight} requests outstanding. Each body is {@code {"channel":..,"data":{"t":µs,"seq":k,"p":"xx.."}}},
 * stamped just before the request is written. Confined to its own event-loop context.
 */
final class PublisherLoop {

  /** Outcome of one round of publishing. */
  record Result(int attempted, int errors, String firstError, long elapsedNanos) {
    double publishPerSec() {
      return elapsedNanos <= 0 ? 0 : attempted * 1e9 / elapsedNanos;
    }
  }

  private final Context context;
  private final HttpClientAgent client;
  private final List<RequestOptions> targets;
  private final int inflight;
  private final String bodyPrefix;
  private final String bodySuffix;

  /** Must be called from a non-Vert.x thread (gets its own event-loop context). */
  PublisherLoop(Vertx vertx, List<String> apis, String apiKey, String channel, int inflight, int payloadBytes,
      int timeoutSeconds) {
    this.context = vertx.getOrCreateContext();
    this.inflight = inflight;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(inflight));
    this.targets = apis.stream().map(api -> new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(api + "/publish")
        .putHeader("X-API-Key", apiKey)
        .putHeader("Content-Type", "application/json")
        .setIdleTimeout(timeoutSeconds * 1000L)).toList();
    this.bodyPrefix = "{\"channel\":" + Json.encode(channel) + ",\"data\":{\"t\":";
    this.bodySuffix = ",\"p\":\"" + "x".repeat(payloadBytes) + "\"}}";
  }

  /** Publishes {@code spec.publications()} messages; never fails (errors are counted). */
  Future<Result> run(RunSpec spec) {
    Promise<Result> done = Promise.promise();
    context.runOnContext(v -> new Round(spec, done).start());
    return done.future();
  }

  Future<Void> close() {
    return client.close();
  }

  /** State of one round; touched only on the publisher's context. */
  private final class Round {
    private final RunSpec spec;
    private final Promise<Result> done;
    private final long startNanos = System.nanoTime();
    private int next;
    private int completed;
    private int errors;
    private String firstError;

    Round(RunSpec spec, Promise<Result> done) {
      this.spec = spec;
      this.done = done;
    }

    void start() {
      for (int i = 0; i < Math.min(inflight, spec.publications()); i++) sendNext();
    }

    private void sendNext() {
      if (next >= spec.publications()) return;
      int k = next++;
      publish(k).onComplete(ar -> {
        if (ar.failed()) {
          errors++;
          if (firstError == null) firstError = describe(ar.cause());
        }
        if (++completed == spec.publications()) {
          done.complete(new Result(completed, errors, firstError, System.nanoTime() - startNanos));
        } else {
          sendNext();
        }
      });
    }

    private String describe(Throwable e) {
      return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private Future<Void> publish(int k) {
      long seq = spec.seqBase() + k;
      return client.request(targets.get(k % targets.size()))
          .compose(req -> req.send(Buffer.buffer(bodyPrefix + BenchClock.nowMicros() + ",\"seq\":" + seq + bodySuffix)))
          .compose(resp -> resp.body().compose(body -> {
            String text = body.toString();
            if (resp.statusCode() == 200 && !text.contains("\"error\"")) return Future.succeededFuture();
            return Future.failedFuture("HTTP " + resp.statusCode() + " " + text.strip());
          }));
    }
  }
}
