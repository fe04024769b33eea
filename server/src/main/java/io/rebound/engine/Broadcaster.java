package io.rebound.engine;

import io.vertx.core.Future;

/**
 * Carries {@link FanoutMessage}s to the edges, on every node, that have subscribers of their channel.
 * An edge takes an interest in a channel with its first subscriber of it ({@link #interest}, as a
 * {@link FanoutReceiver}) and releases it with its last ({@link #release}); an implementation's job is
 * to get every message of a channel to every receiver that holds an interest in it, on any node:
 * {@code EventBusBroadcaster} through per-channel addresses of the (possibly clustered) event bus,
 * {@code RedisBroadcaster} through per-channel Redis pub/sub, both handing what reaches the node to
 * its receivers through {@link LocalReceivers}. One contract test suite ({@code
 * BroadcasterContractTest}) runs against every implementation.
 *
 * <p>While the transport is healthy:
 *
 * <ul>
 *   <li>every receiver that holds an interest in the message's channel receives it exactly once:
 *       what its own node publishes from the moment {@link #interest} returned, what other nodes
 *       publish from the moment its future completed, until the interest is released;
 *   <li>a receiver gets no message of a channel it holds no interest in (routing by interest, on the
 *       node as between nodes), and a node holding no interest in a channel receives none of its
 *       messages from other nodes, apart from what is published within a short linger after its
 *       last interest in the channel was released;
 *   <li>messages on one channel published one after another from one context (as the node's API
 *       verticle does) reach each receiver in publish order; messages from different nodes, or on
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
 * block; their futures may complete on any thread. Receivers are called on their own contexts.
 */
public interface Broadcaster {

  /** Sends {@code message} towards the receivers, on every node, interested in its channel; completes once it is handed to the transport. */
  Future<Void> publish(FanoutMessage message);

  /**
   * {@code receiver} wants {@code channel}'s messages (an edge with its first subscriber of the
   * channel; a receiver takes at most one interest per channel at a time). Completes once every node
   * of the cluster routes the channel's messages here, so a history read made after it completes
   * misses nothing that is published later (a subscribe waits for it before reading its stream
   * position). Fails only when the transport is unavailable; the interest is held either way and must
   * be released.
   */
  Future<Void> interest(String channel, FanoutReceiver receiver);

  /** Ends {@code receiver}'s interest in {@code channel}; the node's last one stops the channel's routing here after a short linger. */
  void release(String channel, FanoutReceiver receiver);

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
