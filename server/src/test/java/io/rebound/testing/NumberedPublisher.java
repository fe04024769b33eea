package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.verify.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Publishes numbered publications through the server API — data {@code {"n": "<prefix><i>"}} — and records every
 * acknowledgement (offset, epoch) in a {@link Recorder}. One publication in flight per channel, channels in parallel.
 * A failed publish (node down, timeout, any error answer) is retried with the same data and the same idempotency key on
 * the next target until it is acknowledged, so each number is stored once even when a failed attempt was stored.
 * Error answers are kept ({@link #errors()}) so a test can say what publishers were told.
 */
public final class NumberedPublisher implements AutoCloseable {

  private final Supplier<List<ApiClient>> targets;
  private final Recorder recorder;
  private final ExecutorService pool;
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean held;

  /**
   * @param targets the APIs to try, in order of preference, asked again before every attempt (nodes come and go)
   * @param threads publications in flight at most (one per channel)
   */
  public NumberedPublisher(Supplier<List<ApiClient>> targets, Recorder recorder, int threads) {
    this.targets = targets;
    this.recorder = recorder;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "numbered-publisher");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Publishes {@code <prefix>from} … {@code <prefix>to} to each channel, in order per channel; completes when every one
   * is acknowledged, or exceptionally when one is not within {@code patience} of retrying.
   */
  public CompletableFuture<Void> publish(List<String> channels, String prefix, int from, int to, Duration patience) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String channel : channels) {
      recorder.channel(channel);
      all.add(CompletableFuture.runAsync(() -> {
        for (int i = from; i <= to; i++) publishOne(channel, prefix + i, patience);
      }, pool));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
  }

  private void publishOne(String channel, String payload, Duration patience) {
    String body = "{\"channel\":\"" + channel + "\",\"idempotency_key\":\"" + payload + "\",\"data\":{\"n\":\"" + payload + "\"}}";
    long deadline = System.nanoTime() + patience.toNanos();
    for (int attempt = 0; ; attempt++) {
      List<ApiClient> apis = held ? List.of() : targets.get();
      if (!apis.isEmpty()) {
        inFlight.incrementAndGet();
        ApiClient api = apis.get(attempt % apis.size());
        attempts.incrementAndGet();
        String failure;
        try {
          ApiClient.Response r = api.call("publish", body);
          JsonNode result = r.result();
          if (r.status() == 200 && result != null && result.has("offset")) {
            recorder.acked(channel, payload, result.path("offset").asLong(), result.path("epoch").asText());
            return;
          }
          failure = r.error() != null ? r.error().path("code").asInt() + " " + r.error().path("message").asText() : r.status() + " " + r.text();
        } catch (Throwable e) { // connection refused, timeout: the node is down or cut off
          failure = "no answer: " + e.getMessage();
        } finally {
          inFlight.decrementAndGet();
        }
        errors.computeIfAbsent(failure, f -> new AtomicInteger()).incrementAndGet();
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException(channel + " " + payload + " not acknowledged within " + patience);
      try {
        Thread.sleep(Math.min(500, 50L * (attempt + 1))); // retry backoff of a publisher, not a wait for a condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Holds ({@code true}) or resumes publishing: while held no attempt is started (the publications wait, their patience
   * runs on); {@link #idle()} says when the attempts in flight have ended.
   */
  public void hold(boolean hold) {
    held = hold;
  }

  /** Whether no attempt is in flight. */
  public boolean idle() {
    return inFlight.get() == 0;
  }

  /** Every error answer or failure seen, with how often. */
  public Map<String, Integer> errors() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public int attempts() {
    return attempts.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}

