package io.rebound.client;

/**
 * The client stopped for good (until {@link ReboundClient#connect()} is called again): {@code code} is one of
 * {@link ReboundClient}'s {@code DISCONNECT_*} codes, a server close code (3500–3999, 4500–4999) or the code of a
 * connect error reply that must not be retried.
 */
public record DisconnectedEvent(int code, String reason) {}
