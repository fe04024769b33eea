package io.rebound.client;

/**
 * Options of a client-side {@link Subscription}. Immutable; start from {@link #defaults()}.
 *
 * @param token subscription JWT (channels that need one, e.g. {@code $private}); null for none
 * @param since start by recovering from this position (the app stored it), as if reconnecting; null for none
 * @param recoverable ask for recovery where the namespace allows it on request ({@code allow_recovery})
 * @param positioned ask for positioning where the namespace allows it on request
 * @param joinLeave ask for join/leave pushes
 */
public record SubscriptionOptions(String token, StreamPosition since, boolean recoverable, boolean positioned, boolean joinLeave) {

  public static SubscriptionOptions defaults() {
    return new SubscriptionOptions(null, null, false, false, false);
  }

  public SubscriptionOptions token(String t) {
    return new SubscriptionOptions(t, since, recoverable, positioned, joinLeave);
  }

  public SubscriptionOptions since(StreamPosition p) {
    return new SubscriptionOptions(token, p, recoverable, positioned, joinLeave);
  }

  public SubscriptionOptions recoverable(boolean on) {
    return new SubscriptionOptions(token, since, on, positioned, joinLeave);
  }

  public SubscriptionOptions positioned(boolean on) {
    return new SubscriptionOptions(token, since, recoverable, on, joinLeave);
  }

  public SubscriptionOptions joinLeave(boolean on) {
    return new SubscriptionOptions(token, since, recoverable, positioned, on);
  }
}
