package io.rebound.client;

/**
 * Events of one client-side {@link Subscription}. Every method runs on the client's Vert.x context, one at a time, in
 * order; an exception thrown by a method is logged and otherwise ignored.
 */
public interface SubscriptionListener {

  /**
   * The subscription is (again) waiting to be subscribed: {@code code} 0 after {@code subscribe()}, 1 when the
   * connection was lost, or the code of a server {@code unsubscribe} push that asks for a resubscribe (≥ 2500).
   */
  default void onSubscribing(int code, String reason) {}

  default void onSubscribed(SubscribedEvent event) {}

  /** Final: {@code code} 0 after {@code unsubscribe()}, else the server's unsubscribe push or subscribe error code. */
  default void onUnsubscribed(int code, String reason) {}

  /** A publication: in offset order, each once (an offset at or below the current position is dropped). */
  default void onPublication(Publication publication) {}

  default void onDiscontinuity(Discontinuity discontinuity) {}

  default void onJoin(ClientInfo info) {}

  default void onLeave(ClientInfo info) {}

  /** A subscribe error reply (retried when temporary). */
  default void onError(Throwable error) {}
}
