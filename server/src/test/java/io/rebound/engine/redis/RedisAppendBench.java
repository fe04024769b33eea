package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.rebound.core.AppendResult;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A rough append throughput figure, not a JMH benchmark: {@code N} appends with {@code K} in flight
 * against RedisHistory (a local redis-server started here) and MemoryHistory, spread over 100
 * channels, 100-byte payloads. Usage: {@code RedisAppendBench [N] [K] [poolSize]}.
 */
public final class RedisAppendBench {

  private static final StreamOptions OPTS = StreamOptions.of(100, Duration.ofMinutes(5));

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int pool = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.startVolatile()) {
      // Roomy timeouts: a cold JVM on a shared machine; this measures throughput, not failure detection.
      RedisConnections connections = RedisConnections.create(vertx,
          new RedisOptions(redis.address(), Duration.ofSeconds(5), Duration.ofSeconds(5), pool), "bench");
      RedisHistory history = RedisHistory.connect(connections).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      MemoryHistory memory = new MemoryHistory();
      run(history, n / 5, k); // warm-up: JIT and the script cache
      run(memory, n / 5, k);
      System.out.printf("redis  N=%d K=%d pool=%d: %,.0f appends/s%n", n, k, pool, run(history, n, k));
      System.out.printf("memory N=%d K=%d:        %,.0f appends/s%n", n, k, run(memory, n, k));
      history.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Appends per second with {@code inFlight} appends outstanding at any time. */
  static double run(HistoryEngine engine, int total, int inFlight) throws InterruptedException {
    String payload = "{\"text\":\"" + "x".repeat(88) + "\"}";
    AtomicInteger issued = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(total);
    long t0 = System.nanoTime();
    for (int w = 0; w < inFlight; w++) next(engine, payload, issued, total, done, failed);
    if (!done.await(300, TimeUnit.SECONDS)) throw new IllegalStateException("bench did not finish");
    if (failed.get() != null) throw new IllegalStateException("append failed", failed.get());
    return total / ((System.nanoTime() - t0) / 1e9);
  }

  private static void next(HistoryEngine engine, String payload, AtomicInteger issued, int total, CountDownLatch done, AtomicReference<Throwable> failed) {
    // A loop, not recursion, for engines whose futures are already complete (MemoryHistory).
    while (true) {
      int i = issued.getAndIncrement();
      if (i >= total) return;
      Future<AppendResult> f = engine.append("bench:" + (i % 100), Publication.of(payload), OPTS, null);
      if (f.isComplete()) {
        if (f.failed()) failed.compareAndSet(null, f.cause());
        done.countDown();
        continue;
      }
      f.onComplete(r -> {
        if (r.failed()) failed.compareAndSet(null, r.cause());
        done.countDown();
        next(engine, payload, issued, total, done, failed);
      });
      return;
    }
  }
}
