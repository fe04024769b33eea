package io.rebound.client;

/**
 * The client gave up reconnecting: no connection within {@link ReboundClientOptions#reconnectTimeout()} after the
 * connection was lost (or after {@code connect()}). Unanswered commands were failed; subscriptions are kept with
 * their positions, so a later {@link ReboundClient#connect()} recovers them.
 *
 * @param afterMs how long it tried
 * @param attempts how many connection attempts failed
 * @param lastCode code of the last failure
 * @param lastReason reason of the last failure
 */
public record GaveUpEvent(long afterMs, int attempts, int lastCode, String lastReason) {}
