package io.rebound.engine;

import io.vertx.core.Future;

/**
 * Carries {@link FanoutMessage}s to the edges of the nodes that have subscribers of their channel.
 * Edges listen on the event bus address {@code Addresses.FANOUT} (each edge verticle registers a
 * node-local consumer) and tell the broadcaster which channels their node wants ({@link #interest},
 * {@link #release}); an implementation's job is to get every message of a channel to the {@code
 * FANOUT} consumers of every node that declared interest in it: {@code EventBusBroadcaster} through
 * per-channel addresses of the (possibly clustered) event bus, {@code RedisBroadcaster} through
 * per-channel Redis pub/sub. One contract test suite ({@code BroadcasterContractTest}) runs against
 * every implementation.
 *
 * <p>While the transport is healthy:
 *
 * <ul>
 *   <li>every {@code FANOUT} consumer on every node that holds an interest in the message's channel
 *       receives it exactly once, from the moment {@link #interest}'s future completed until the
 *       interest is released; the publishing node's own consumers receive every message it
 *       publishes, interest or not (node-local delivery costs nothing on the network);
 *   <li>a node that holds no interest in a channel receives none of its messages from other nodes
 *       (routing by interest), apart from what is published within a short linger after its
 *       last interest in the channel was released;
 *   <li>messages on one channel published one after another from one context (as the node's API
 *       verticle does) reach each consumer in publish order; messages from different nodes, or on
 *       different channels, may interleave in any order;
 *   <li>a message arrives as it was sent: its kind (publication, join, leave), channel, offset,
 *       epoch and frame bytes, whatever the bytes (not only UTF-8) and however large the frame.
 * </ul>
 *
 * <p>When the transport fails, delivery is at most once: messages may be lost, never duplicated or
 * altered. Edges order publications by offset and fill gaps from history, and an implementation
 * whose transport can lose messages tells them when to re-read (the Redis one after resubscribing),
 * so implementations need not retry.
 *
 * <p>{@link #publish}, {@link #interest} and {@link #release} may be called from any thread and never
 * block; their futures may complete on any thread.
 */
public interface Broadcaster {

  /** Sends {@code message} towards the edges of every node interested in its channel; completes once it is handed to the transport. */
  Future<Void> publish(FanoutMessage message);

  /**
   * This node wants {@code channel}'s messages: reference-counted (the node's edges each take one
   * while they have subscribers of the channel). Completes once every node of the cluster routes the
   * channel's messages here, so a history read made after it completes misses nothing that is
   * published later (a subscribe waits for it before reading its stream position). Fails only when
   * the transport is unavailable; the reference is held either way and must be released.
   */
  default Future<Void> interest(String channel) {
    return Future.succeededFuture();
  }

  /** Drops one reference taken by {@link #interest}; the last one stops the channel's routing here after a short linger. */
  default void release(String channel) {
  }

  /**
   * Completes when this node's current interest in {@code channel} is routed cluster-wide (at once
   * when it has none, or when it was routed already); does not take a reference.
   */
  default Future<Void> routed(String channel) {
    return Future.succeededFuture();
  }

  /** What this broadcaster handed to its node's edges so far, by source. */
  default FanoutCounts received() {
    return FanoutCounts.NONE;
  }

  /** Stops sending and receiving; releases connections this broadcaster opened. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
