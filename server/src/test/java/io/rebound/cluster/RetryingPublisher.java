package io.rebound.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.ApiClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes {@code {"n": 1}}, {@code {"n": 2}}, ... to every channel (one {@code batch} call per
 * {@code n}) about 20 times a second through a node's HTTP API. A call that fails, or in which any
 * publish fails, is retried with the same idempotency keys on the next node until all succeed, so
 * every {@code n} is stored exactly once per channel and in order, even when a retry follows an
 * append that did happen.
 */
final class RetryingPublisher {
  private final List<ApiClient> apis;
  private final List<String> channels;
  private final AtomicInteger published = new AtomicInteger();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  RetryingPublisher(List<ApiClient> apis, List<String> channels) {
    this.apis = apis;
    this.channels = channels;
    this.thread = new Thread(this::run, "node-kill-publisher");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int published() {
    if (failure != null) throw new AssertionError("publisher failed", failure);
    return published.get();
  }

  void stop() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      int node = 0;
      for (int n = 1; running; n++) {
        StringBuilder body = new StringBuilder("{\"commands\":[");
        for (int i = 0; i < channels.size(); i++) {
          if (i > 0) body.append(',');
          body.append("{\"publish\":{\"channel\":\"").append(channels.get(i)).append("\",\"data\":{\"n\":").append(n)
              .append("},\"idempotency_key\":\"n-").append(n).append("\"}}");
        }
        body.append("]}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
          try {
            ApiClient.Response r = apis.get(node).call("batch", body.toString());
            if (r.status() == 200 && r.result() != null && allPublished(r.result())) break;
          } catch (AssertionError transientFailure) {
            // connection refused or timed out: retried with the same idempotency key
          }
          node = (node + 1) % apis.size();
          if (System.nanoTime() > deadline) throw new AssertionError("publication " + n + " not accepted within 60 s");
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // retry pacing
        }
        published.set(n);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // publishing rate, not a wait for anything
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private boolean allPublished(JsonNode result) {
    JsonNode replies = result.path("replies");
    if (replies.size() != channels.size()) return false;
    for (JsonNode r : replies) if (!r.path("publish").has("offset")) return false;
    return true;
  }
}
