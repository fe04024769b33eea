package io.rebound.engine;

import io.vertx.core.Future;

/**
 * Carries {@link FanoutMessage}s to the edges of every node, this one included. Edges listen on the
 * event bus address {@code Addresses.FANOUT} (each edge verticle registers a consumer); an
 * implementation's job is to get every message there on every node: {@code EventBusBroadcaster}
 * through the (possibly clustered) event bus, {@code RedisBroadcaster} through Redis pub/sub. One
 * contract test suite ({@code BroadcasterContractTest}) runs against every implementation.
 *
 * <p>While the transport is healthy:
 *
 * <ul>
 *   <li>every {@code FANOUT} consumer on every node, the publishing node's included, receives each
 *       message exactly once;
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
 * <p>{@link #publish} may be called from any thread and never blocks; its future may complete on
 * any thread.
 */
public interface Broadcaster {

  /** Sends {@code message} towards every node's edges; completes once it is handed to the transport. */
  Future<Void> publish(FanoutMessage message);

  /** Stops sending and receiving; releases connections this broadcaster opened. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
