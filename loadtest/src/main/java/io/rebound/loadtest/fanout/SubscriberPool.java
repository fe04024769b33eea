package io.rebound.loadtest.fanout;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * N subscribers on one channel, spread round-robin over event-loop shards and over the given WebSocket
 * URLs (several nodes). Opens them with bounded handshake concurrency and aggregates their statistics.
 * {@link io.rebound.loadtest.heap.IdleHeap} uses it too, to hold idle subscribed connections.
 */
public final class SubscriberPool {

  private final List<SubscriberShard> shards;
  private volatile List<Promise<Void>> delivered = List.of();

  private SubscriberPool(List<SubscriberShard> shards) {
    this.shards = shards;
  }

  /**
   * Opens {@code count} subscribers ({@code bench-<i>}, token from {@code tokens}); fails with the first
   * subscriber error. Call from a non-Vert.x thread.
   */
  public static Future<SubscriberPool> open(Vertx vertx, int shardCount, List<String> urls, IntFunction<String> tokens,
      String channel, int count, int concurrency, int timeoutSeconds, ProgressListener progress) {
    List<SubscriberShard> shards = new ArrayList<>();
    for (int i = 0; i < shardCount; i++) shards.add(new SubscriberShard(vertx));
    SubscriberPool pool = new SubscriberPool(List.copyOf(shards));
    Promise<Void> all = Promise.promise();
    if (count == 0) all.complete();
    Opener opener = new Opener(pool.shards, urls, tokens, channel, count, timeoutSeconds, all, progress);
    for (int i = 0; i < Math.min(concurrency, count); i++) opener.next();
    return all.future().transform(ar -> ar.succeeded() ? Future.succeededFuture(pool)
        : pool.close().transform(x -> Future.failedFuture(ar.cause())));
  }

  /** Starts a round: resets every shard; the returned future completes when all shards are armed. */
  Future<Void> arm(RunSpec spec) {
    List<Promise<Void>> promises = new ArrayList<>();
    List<Future<Void>> armed = new ArrayList<>();
    for (SubscriberShard shard : shards) {
      Promise<Void> done = Promise.promise();
      promises.add(done);
      armed.add(shard.arm(spec, done));
    }
    delivered = promises;
    return Future.all(armed).mapEmpty();
  }

  /** Completes when every subscriber received every publication of the armed round (never fails). */
  Future<Void> allDelivered() {
    return Future.all(delivered.stream().map(Promise::future).toList()).mapEmpty();
  }

  /** The merged statistics of the armed round. */
  Future<DeliveryStats> collect() {
    List<Future<DeliveryStats>> parts = shards.stream().map(SubscriberShard::snapshot).toList();
    return Future.all(parts).map(cf -> {
      DeliveryStats total = new DeliveryStats();
      parts.forEach(f -> total.merge(f.result()));
      return total;
    });
  }

  public Future<Void> close() {
    return Future.join(shards.stream().map(SubscriberShard::close).toList()).mapEmpty();
  }

  /** Told how many subscribers are ready so far. */
  public interface ProgressListener {
    void ready(int done, int total);
  }

  /** Hands out subscriber indexes to a fixed number of concurrent handshake "slots". */
  private static final class Opener {
    private final List<SubscriberShard> shards;
    private final List<String> urls;
    private final IntFunction<String> tokens;
    private final String channel;
    private final int count;
    private final int timeoutSeconds;
    private final Promise<Void> all;
    private final ProgressListener progress;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();

    Opener(List<SubscriberShard> shards, List<String> urls, IntFunction<String> tokens, String channel, int count,
        int timeoutSeconds, Promise<Void> all, ProgressListener progress) {
      this.shards = shards;
      this.urls = urls;
      this.tokens = tokens;
      this.channel = channel;
      this.count = count;
      this.timeoutSeconds = timeoutSeconds;
      this.all = all;
      this.progress = progress;
    }

    void next() {
      int i = next.getAndIncrement();
      if (i >= count || all.future().isComplete()) return;
      Future<Void> opened;
      try {
        opened = shards.get(i % shards.size())
            .open("bench-" + i, urls.get(i % urls.size()), tokens.apply(i), channel, timeoutSeconds);
      } catch (RuntimeException e) {
        all.tryFail(e);
        return;
      }
      opened.onSuccess(v -> {
        int n = done.incrementAndGet();
        progress.ready(n, count);
        if (n == count) all.tryComplete();
        else next();
      }).onFailure(all::tryFail);
    }
  }
}
