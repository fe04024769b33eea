package io.rebound.loadtest.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.verify.Ack;
import io.rebound.testing.verify.Recorder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Publishes {@code {"verify": run, "n": 1}}, {@code {"n": 2}}, … to each channel at a fixed rate through the server API,
 * one publication in flight per channel, and records every acknowledgement (offset, epoch) in the {@link Recorder}. A
 * failed publish (node down, timeout, temporary error) is retried with the same {@code n} and the same idempotency key
 * on the next target until it is acknowledged, so each {@code n} is stored once and in order, even when the failed
 * attempt was in fact stored. Answers no retry can fix (wrong API key, unknown namespace, no history) stop the run.
 * Confined to one event-loop context.
 */
final class NumberedPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_RETRY_MS = 2000;
  /** Error codes no retry can fix: unauthorized, unknown channel, permission denied, bad request, not available. */
  private static final Set<Integer> FATAL_CODES = Set.of(101, 102, 103, 107, 108);

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent http;
  private final List<String> apiUrls;
  private final String apiKey;
  private final String run;
  private final List<String> channels;
  private final long periodMs;
  private final Recorder recorder;
  private final long[] next; // next n per channel
  private final boolean[] inFlight;
  private final AtomicReferenceArray<Ack> lastAck;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final Promise<Void> fatal = Promise.promise();
  private volatile String lastError;
  private int nextTarget;
  private long startMs;
  private boolean stopping;
  private Promise<Void> drained;

  NumberedPublisher(Vertx vertx, List<String> apiUrls, String apiKey, String run, List<String> channels, int rate, Recorder recorder) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(3000));
    this.apiUrls = apiUrls;
    this.apiKey = apiKey;
    this.run = run;
    this.channels = channels;
    this.periodMs = Math.max(1, 1000 / rate);
    this.recorder = recorder;
    this.next = new long[channels.size()];
    this.inFlight = new boolean[channels.size()];
    this.lastAck = new AtomicReferenceArray<>(channels.size());
    channels.forEach(recorder::channel);
  }

  void start() {
    context.runOnContext(v -> {
      startMs = System.currentTimeMillis();
      for (int ch = 0; ch < channels.size(); ch++) {
        next[ch] = 1;
        publish(ch, 1, 0);
      }
    });
  }

  /** Publishes no new numbers; completes once every publication in flight is acknowledged. */
  Future<Void> stop() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      stopping = true;
      drained = p;
      checkDrained();
    });
    return p.future();
  }

  /** Fails when the API gives an answer that no retry can fix; never completes otherwise. */
  Future<Void> fatal() {
    return fatal.future();
  }

  /** The last acknowledgement of channel {@code ch} (by index), or null. */
  Ack lastAck(int ch) {
    return lastAck.get(ch);
  }

  long acked() {
    return acked.get();
  }

  long retries() {
    return retries.get();
  }

  String lastError() {
    return lastError;
  }

  private void publish(int ch, long n, int attempt) {
    inFlight[ch] = true;
    String url = apiUrls.get(nextTarget++ % apiUrls.size());
    String body = "{\"channel\":\"" + channels.get(ch) + "\",\"idempotency_key\":\"" + run + "-" + ch + "-" + n
        + "\",\"data\":{\"verify\":\"" + run + "\",\"n\":" + n + "}}";
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url + "/publish")
        .putHeader("X-API-Key", apiKey).putHeader("Content-Type", "application/json").setIdleTimeout(10_000);
    http.request(req).compose(r -> r.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> answer(resp.statusCode(), b.toString())))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() != null) {
            JsonNode result = ar.result();
            Ack ack = new Ack(Long.toString(n), result.path("offset").asLong(), result.path("epoch").asText());
            recorder.acked(channels.get(ch), ack.payload(), ack.offset(), ack.epoch());
            lastAck.set(ch, ack);
            acked.incrementAndGet();
            inFlight[ch] = false;
            scheduleNext(ch);
            return;
          }
          if (ar.failed() && ar.cause() instanceof FatalAnswer fa) {
            fatal.tryFail(fa.getMessage());
            return;
          }
          // Same n, same idempotency key, next target: applied once however many attempts reach the broker.
          retries.incrementAndGet();
          lastError = ar.failed() ? String.valueOf(ar.cause().getMessage()) : "no result";
          vertx.setTimer(Math.min(MAX_RETRY_MS, 100L << Math.min(attempt, 5)), t -> publish(ch, n, attempt + 1));
        });
  }

  /** The publish result, or a failure: {@link FatalAnswer} when retrying cannot help. */
  private JsonNode answer(int status, String text) {
    if (status == 401) throw new FatalAnswer("the API refused the key (HTTP 401): check --api-key");
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("HTTP " + status + ": " + abbreviate(text));
    }
    JsonNode error = body.path("error");
    if (error.isObject()) {
      int code = error.path("code").asInt();
      if (FATAL_CODES.contains(code)) throw new FatalAnswer("publish refused: " + error + " (does namespace exist, with history?)");
      throw new IllegalStateException("publish error " + error);
    }
    if (status != 200) throw new IllegalStateException("HTTP " + status + ": " + abbreviate(text));
    JsonNode result = body.path("result");
    if (!result.has("offset") || result.path("epoch").asText().isEmpty()) {
      throw new FatalAnswer("publish result without offset/epoch (" + result + "): the namespace keeps no history, so nothing can be verified");
    }
    return result;
  }

  private void scheduleNext(int ch) {
    if (stopping) {
      checkDrained();
      return;
    }
    long n = ++next[ch];
    long due = startMs + (n - 1) * periodMs;
    vertx.setTimer(Math.max(1, due - System.currentTimeMillis()), t -> {
      if (stopping) {
        next[ch]--; // never sent
        checkDrained();
      } else {
        publish(ch, n, 0);
      }
    });
  }

  private void checkDrained() {
    if (drained == null) return;
    for (boolean f : inFlight) if (f) return;
    drained.tryComplete();
  }

  Future<Void> close() {
    return http.close();
  }

  private static String abbreviate(String s) {
    s = s.strip();
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  /** An answer that retrying cannot change. */
  static final class FatalAnswer extends RuntimeException {
    FatalAnswer(String message) {
      super(message, null, false, false);
    }
  }
}
