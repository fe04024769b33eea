package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Connection-level events of a {@link ReboundClient}. Every method runs on the client's Vert.x context, one at a
 * time, in the order the events happened; an exception thrown by a method is logged and otherwise ignored.
 * Server-side subscriptions (from the connection token's {@code channels} or the server API's {@code subscribe})
 * are reported here, client-side ones on their {@link SubscriptionListener}.
 */
public interface ClientListener {

  default void onConnected(ConnectedEvent event) {}

  /** The connection was lost or an attempt failed; another attempt follows after a backoff delay. */
  default void onReconnecting(ReconnectingEvent event) {}

  /** The client stopped and will not reconnect by itself. */
  default void onDisconnected(DisconnectedEvent event) {}

  /** The reconnect timeout passed: the client stopped trying (state {@link ClientState#GAVE_UP}). */
  default void onGaveUp(GaveUpEvent event) {}

  /** A non-fatal problem: a connect error reply that will be retried, a token supplier failure, a refresh error… */
  default void onError(Throwable error) {}

  /** An asynchronous message sent to this client ({@code message} push). */
  default void onMessage(JsonNode data) {}

  default void onServerSubscribed(SubscribedEvent event) {}

  /** A publication of a server-side subscription: in offset order, each once. */
  default void onServerPublication(Publication publication) {}

  default void onServerUnsubscribed(String channel, int code, String reason) {}

  default void onServerDiscontinuity(Discontinuity discontinuity) {}
}
