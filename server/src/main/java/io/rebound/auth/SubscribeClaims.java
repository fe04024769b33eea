package io.rebound.auth;

/**
 * What a verified subscription token grants. The caller still checks that {@code user},
 * {@code channel} and {@code client} match the connection and the subscribe request.
 *
 * @param user the {@code sub} claim; "" for the anonymous user
 * @param channel the {@code channel} claim (always present and non-empty)
 * @param client the {@code client} claim, or null when the token is not bound to one connection
 * @param expiresAt when the subscription expires, epoch seconds; 0 = never (same rules as
 *     {@link ConnectClaims#expiresAt()})
 * @param info the {@code info} claim as compact JSON text, or null
 * @param data the {@code data} claim as compact JSON text, or null
 */
public record SubscribeClaims(String user, String channel, String client, long expiresAt, String info, String data) {}
