package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subscription became active (client-side or server-side).
 *
 * @param channel the channel
 * @param wasRecovering the client asked to continue from a position (or the server recovered on its own)
 * @param recovered the stream continues without a gap: publications missed while away follow (or nothing was
 *     missed). When {@code wasRecovering && !recovered} the gap could not be filled and the app must reload its state
 * @param resumed the connection's session was resumed (no resubscribe happened; nothing was missed)
 * @param recoverable the server keeps a position for this subscription, so it can be recovered after a disconnect
 * @param position the stream position the subscription is at (null when the channel is not positioned)
 * @param data custom subscribe data from the server (null when none)
 */
public record SubscribedEvent(String channel, boolean wasRecovering, boolean recovered, boolean resumed,
    boolean recoverable, StreamPosition position, JsonNode data) {}
