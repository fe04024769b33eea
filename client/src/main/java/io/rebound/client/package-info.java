/**
 * Rebound's Java client: Centrifugo's client protocol (JSON, v2) over a Vert.x WebSocket, with Rebound's extensions
 * (docs/EXTENSIONS.md). Start at {@link io.rebound.client.ReboundClient}.
 *
 * <p><b>The API</b> is the public types of this package: {@code ReboundClient} and {@code ReboundClientOptions},
 * {@code Subscription} and {@code SubscriptionOptions}, the listeners ({@code ClientListener},
 * {@code SubscriptionListener}), their events and states, the value types ({@code Publication}, {@code ClientInfo},
 * {@code StreamPosition}, {@code Discontinuity}, {@code HistoryOptions}/{@code HistoryResult},
 * {@code PresenceStats}), the exceptions, and {@code Backoff}.
 *
 * <p><b>The implementation</b> is package-private, in this package, so none of it is reachable from an application.
 * It does not sit in an {@code internal} sub-package: Java would then need it public, and the two packages would
 * depend on each other (the engine raises the public events; the public types drive the engine). The build's
 * architecture test forbids that cycle.
 * <ul>
 *   <li>{@code ClientEngine}: states, connect, reconnect, stop, give up;</li>
 *   <li>{@code InboundRouter}: the connect reply, replies and pushes, close codes;</li>
 *   <li>{@code CommandWriter}: commands out, in session order;</li>
 *   <li>{@code Watchdogs}: connect-reply, ping, command and token-refresh timers;</li>
 *   <li>{@code SessionResume}, {@code ConnectionToken}, {@code CommandBuffer}/{@code PendingCommand}: state kept
 *       across connections;</li>
 *   <li>{@code StreamTracker}, {@code ServerSubscriptions}: stream positions;</li>
 *   <li>{@code Transport}: one WebSocket;</li>
 *   <li>{@code Wire}: the protocol's JSON;</li>
 *   <li>{@code ClientContext}: the one Vert.x context that owns all of a client's state.</li>
 * </ul>
 * The protocol facts it shares with the server (the reconnect rule, error and unsubscribe codes) come from
 * {@code io.rebound.protocol}.
 *
 * <p><b>Threading.</b> Each client's state lives on one Vert.x context. Public methods may be called from any thread.
 * Listeners and the returned futures' handlers run on that context. Nothing in the client blocks.
 */
package io.rebound.client;
