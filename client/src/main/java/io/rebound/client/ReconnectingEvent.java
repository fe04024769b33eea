package io.rebound.client;

/**
 * The connection was lost (or an attempt failed) and the client will try again after {@code delayMs}.
 *
 * @param code why: one of {@link ReboundClient}'s {@code RECONNECT_*} codes, or the server's close code (3000–3499,
 *     4000–4499) or a temporary connect error code
 * @param reason human-readable reason
 * @param attempt 1 for the first retry after a loss, then 2, 3, …
 * @param delayMs the backoff delay before the attempt
 * @param wasConnected the client was connected just before (false when a connection attempt failed)
 */
public record ReconnectingEvent(int code, String reason, int attempt, long delayMs, boolean wasConnected) {}
