package io.rebound.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.function.IntFunction;

/**
 * Where a channel's publications are stored and handed to fan-out: one event loop per channel (its
 * shard, chosen by the channel name's hash), so every publication of a channel on this node — from
 * whichever HTTP connection, client or event-bus caller — is appended and fanned out one at a time,
 * in the order the shard ran them. That keeps what a single API loop gave: a channel's offsets reach
 * this node's edges in offset order (with an engine that answers at once, the memory engine; an
 * asynchronous engine's answers are fanned out as they come, as they were before), and a
 * publisher's publications to a channel keep its order (a publisher is on one event loop, and
 * tasks from one loop to another run first in, first out) — while different channels are
 * published on different cores.
 *
 * <p>A caller already on the shard's thread runs inline: no hop, no wakeup. Another caller's action
 * runs on the shard and its answer comes back on the caller's context; an action that throws is a
 * failed answer. No timer of its own: an action is in-memory work plus an engine call, which
 * {@link HistoryCalls} bounds (a timer per publish cost 3 % of a publish's CPU, measured).
 *
 * <p>Thread-safe. The action gets its shard's index, for state confined to the shard.
 */
final class ChannelShards {

  private final VertxInternal vertx;
  private final ContextInternal[] shards;

  /** @param count shards, at most one per event loop is useful (contexts are taken round-robin over the loops) */
  ChannelShards(Vertx vertx, int count) {
    this.vertx = (VertxInternal) vertx;
    this.shards = new ContextInternal[count];
    for (int i = 0; i < count; i++) shards[i] = this.vertx.createEventLoopContext();
  }

  int count() {
    return shards.length;
  }

  /** The index of {@code channel}'s shard; the same for the life of the node. */
  int shardOf(String channel) {
    return Math.floorMod(channel.hashCode(), shards.length);
  }

  /**
   * Runs {@code action} (with the shard index) on {@code channel}'s shard; the result completes on
   * the caller's context.
   */
  <T> Future<T> run(String channel, IntFunction<Future<T>> action) {
    int index = shardOf(channel);
    ContextInternal shard = shards[index];
    if (shard.nettyEventLoop().inEventLoop()) return apply(action, index);
    ContextInternal caller = vertx.getContext();
    PromiseInternal<T> answer = caller != null ? caller.promise() : vertx.promise();
    shard.execute(() -> apply(action, index).onComplete((result, failure) -> {
      if (failure == null) answer.tryComplete(result);
      else answer.tryFail(failure);
    }));
    return answer.future();
  }

  private static <T> Future<T> apply(IntFunction<Future<T>> action, int index) {
    try {
      return action.apply(index);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
