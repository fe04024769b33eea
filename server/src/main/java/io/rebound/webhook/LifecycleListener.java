package io.rebound.webhook;

import io.rebound.protocol.Disconnect;

/**
 * What a client session tells the node about its life, for the lifecycle webhooks: called by the
 * session on connect, on each subscription that took effect or ended, and once on disconnect.
 *
 * <p>Contract for callers: every call for one client comes from the one thread the session runs on,
 * in the order things happened ({@code connected} first, {@code disconnected} last, nothing after
 * it). Calls for a client that never {@code connected} are ignored. A subscription ended by the
 * disconnect itself is not reported as {@code unsubscribed}: the disconnect ends them all.
 *
 * <p>Contract for implementations: every method returns at once without blocking or waiting on I/O
 * (callers are event loops), and a slow or absent backend never slows the caller.
 */
public interface LifecycleListener {

  /** Webhooks off: every call does nothing. */
  LifecycleListener NONE = new LifecycleListener() {
    @Override public void connected(String user, String client) { }
    @Override public void subscribed(String user, String client, String channel) { }
    @Override public void unsubscribed(String user, String client, String channel) { }
    @Override public void disconnected(String user, String client, Disconnect reason) { }
  };

  /** {@code client} completed connect as {@code user} ({@code ""} when anonymous). */
  void connected(String user, String client);

  /** {@code client} is now subscribed to {@code channel} (the subscribe succeeded). */
  void subscribed(String user, String client, String channel);

  /** {@code client} is no longer subscribed to {@code channel} while staying connected. */
  void unsubscribed(String user, String client, String channel);

  /**
   * {@code client}'s session ended for {@code reason}: the server's close code and reason, or {@link
   * WebhookEvent#CONNECTION_CLOSED} when the client or the network closed the connection.
   */
  void disconnected(String user, String client, Disconnect reason);
}
