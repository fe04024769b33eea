package io.rebound.auth;

import java.util.List;

/**
 * What a verified connection token grants.
 *
 * @param user the {@code sub} claim; "" for the anonymous user
 * @param expiresAt when the connection expires, epoch seconds; 0 = never. From {@code expire_at}
 *     when present (0 there means never), otherwise from {@code exp}. The verifier does not check
 *     it against the clock beyond {@code exp}: the connection handler decides what an
 *     {@code expire_at} in the past means.
 * @param info the {@code info} claim as compact JSON text, or null
 * @param channels server-side subscriptions: the {@code channels} claim then the keys of
 *     {@code subs}, without duplicates; never null
 */
public record ConnectClaims(String user, long expiresAt, String info, List<String> channels) {

  public ConnectClaims {
    channels = channels == null ? List.of() : List.copyOf(channels);
  }
}
