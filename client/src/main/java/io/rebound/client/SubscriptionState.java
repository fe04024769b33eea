package io.rebound.client;

/** The state of a client-side {@link Subscription} (as in the centrifuge JS SDK). */
public enum SubscriptionState {
  /** Not subscribed and not trying: initial, after {@code unsubscribe()}, or after a final server refusal. */
  UNSUBSCRIBED,
  /** Waiting for a subscribe reply, for the connection, or for a resubscribe after a temporary error. */
  SUBSCRIBING,
  /** Subscribed: publications are delivered. */
  SUBSCRIBED
}
