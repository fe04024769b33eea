package io.rebound.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.auth.TokenException.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.Key;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Verifies Centrifugo connection and subscription JWTs (PROTOCOL.md §6): HS256/384/512 with the
 * HMAC secret, RS256/384/512 and ES256/384/512 with PEM keys or with keys of a JWKS endpoint
 * ({@link TokenKeys} says which key checks which token). A token must be a canonical compact JWS
 * ({@link CompactJws}); {@code alg: none} and algorithms without a configured key are refused
 * ("algorithm RS256 not configured"). After the signature: the audience and issuer rules, then
 * {@code exp} and {@code nbf} against the caller's clock with no leeway, with sane NumericDates
 * only ({@link TokenClaims}).
 *
 * <p>Two ways to call: the {@code Future} methods are complete on return unless a JWKS key must be
 * fetched first, and then complete on the caller's context without blocking it; the synchronous
 * methods never wait and fail with {@link Kind#UNAVAILABLE} where the other would fetch (they start
 * the fetch, so a retry may succeed). Failures are always a {@link TokenException}.
 *
 * <p>Subscription tokens use the connection token configuration unless a separate one is given
 * (Centrifugo's {@code separate_subscription_token_config}). Thread-safe.
 */
public final class JwtVerifier {

  private final TokenKeys connectionKeys;
  private final ClaimRules connectionRules;
  private final TokenKeys subscriptionKeys;
  private final ClaimRules subscriptionRules;

  private JwtVerifier(TokenKeys connectionKeys, ClaimRules connectionRules, TokenKeys subscriptionKeys, ClaimRules subscriptionRules) {
    this.connectionKeys = connectionKeys;
    this.connectionRules = connectionRules;
    this.subscriptionKeys = subscriptionKeys;
    this.subscriptionRules = subscriptionRules;
  }

  /**
   * A verifier for tokens signed with {@code hmacSecret} only. An empty or null secret is allowed
   * (the config permits it when anonymous connects need no token) and then refuses every token.
   */
  public JwtVerifier(String hmacSecret) {
    this(TokenKeys.of(TokenSettings.hmac(hmacSecret), null), ClaimRules.NONE, null, null);
  }

  /**
   * A verifier for {@code connection} tokens and, when {@code subscription} is not null, a separate
   * configuration for subscription tokens. {@code vertx} fetches JWKS endpoints (may be null when
   * none is configured). IllegalArgumentException ({@link TokenSettings.InvalidOption}) for
   * settings that cannot be used.
   */
  public static JwtVerifier create(Vertx vertx, TokenSettings connection, TokenSettings subscription) {
    TokenKeys keys = TokenKeys.of(connection, vertx);
    if (subscription == null) return new JwtVerifier(keys, connection.rules(), null, null);
    return new JwtVerifier(keys, connection.rules(), TokenKeys.of(subscription, vertx), subscription.rules());
  }

  /** Loads JWKS key sets now, so the first tokens need not wait; never fails (a failure is logged and retried on demand). */
  public Future<Void> prefetch() {
    return subscriptionKeys == null ? connectionKeys.prefetch() : Future.join(connectionKeys.prefetch(), subscriptionKeys.prefetch()).mapEmpty();
  }

  /** Stops JWKS fetching. */
  public Future<Void> close() {
    return subscriptionKeys == null ? connectionKeys.close() : Future.join(connectionKeys.close(), subscriptionKeys.close()).mapEmpty();
  }

  /** The claims of a valid connection token; a {@code channel} claim makes it invalid. Never waits. */
  public ConnectClaims verifyConnect(String token, long nowEpochSeconds) throws TokenException {
    CompactJws jws = CompactJws.parse(token);
    return connectClaims(checked(jws, keyNow(connectionKeys, jws), nowEpochSeconds, connectionRules));
  }

  /** The claims of a valid subscription token; the {@code channel} claim is required. Never waits. */
  public SubscribeClaims verifySubscribe(String token, long nowEpochSeconds) throws TokenException {
    CompactJws jws = CompactJws.parse(token);
    return subscribeClaims(checked(jws, keyNow(subscriptionKeys(), jws), nowEpochSeconds, subscriptionRules()));
  }

  /** Like {@link #verifyConnect}, fetching a JWKS key first when needed; fails with a {@link TokenException}. */
  public Future<ConnectClaims> verifyConnectAsync(String token, long nowEpochSeconds) {
    return verifyAsync(token, nowEpochSeconds, connectionKeys, connectionRules).compose(step(JwtVerifier::connectClaims));
  }

  /** Like {@link #verifySubscribe}, fetching a JWKS key first when needed; fails with a {@link TokenException}. */
  public Future<SubscribeClaims> verifySubscribeAsync(String token, long nowEpochSeconds) {
    return verifyAsync(token, nowEpochSeconds, subscriptionKeys(), subscriptionRules()).compose(step(JwtVerifier::subscribeClaims));
  }

  private Future<JsonNode> verifyAsync(String token, long now, TokenKeys keys, ClaimRules rules) {
    try {
      CompactJws jws = CompactJws.parse(token);
      Key key = keys.now(jws);
      if (key != null) return Future.succeededFuture(checked(jws, key, now, rules));
      return keys.fetch(jws).compose(step(fetched -> checked(jws, fetched, now, rules)));
    } catch (TokenException e) {
      return Future.failedFuture(e);
    }
  }

  private static Key keyNow(TokenKeys keys, CompactJws jws) throws TokenException {
    Key key = keys.now(jws);
    if (key != null) return key;
    keys.fetch(jws); // so that a retry finds the key
    throw new TokenException(Kind.UNAVAILABLE, "JWKS key " + CompactJws.printable(jws.kid()) + " is not loaded yet");
  }

  /** The claims of {@code jws} once its signature, audience, issuer and dates are good. */
  private static JsonNode checked(CompactJws jws, Key key, long now, ClaimRules rules) throws TokenException {
    if (!jws.algorithm().verify(key, jws.signingInput(), jws.signature())) throw TokenClaims.invalid("bad signature");
    JsonNode claims = jws.claims();
    rules.check(claims);
    TokenClaims.checkTimes(claims, now);
    return claims;
  }

  private TokenKeys subscriptionKeys() {
    return subscriptionKeys == null ? connectionKeys : subscriptionKeys;
  }

  private ClaimRules subscriptionRules() {
    return subscriptionKeys == null ? connectionRules : subscriptionRules;
  }

  private static ConnectClaims connectClaims(JsonNode claims) throws TokenException {
    if (claims.has("channel")) throw TokenClaims.invalid("connection token must not have a channel claim");
    Set<String> channels = new LinkedHashSet<>();
    JsonNode list = claims.get("channels");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) throw TokenClaims.invalid("channels claim must be an array");
      for (JsonNode ch : list) {
        if (!ch.isTextual()) throw TokenClaims.invalid("channels claim must hold strings");
        channels.add(ch.textValue());
      }
    }
    JsonNode subs = claims.get("subs");
    if (subs != null && !subs.isNull()) {
      if (!subs.isObject()) throw TokenClaims.invalid("subs claim must be an object");
      for (Iterator<String> it = subs.fieldNames(); it.hasNext(); ) channels.add(it.next());
    }
    return new ConnectClaims(TokenClaims.text(claims, "sub", ""), TokenClaims.expiresAt(claims), TokenClaims.raw(claims, "info"),
        new ArrayList<>(channels));
  }

  private static SubscribeClaims subscribeClaims(JsonNode claims) throws TokenException {
    String channel = TokenClaims.text(claims, "channel", "");
    if (channel.isEmpty()) throw TokenClaims.invalid("subscription token needs a channel claim");
    return new SubscribeClaims(TokenClaims.text(claims, "sub", ""), channel, TokenClaims.text(claims, "client", null),
        TokenClaims.expiresAt(claims), TokenClaims.raw(claims, "info"), TokenClaims.raw(claims, "data"));
  }

  /** One step of a verification that may refuse the token. */
  private interface Step<A, B> {
    B apply(A input) throws TokenException;
  }

  /** {@code step} for {@code Future.compose}: its TokenException becomes the future's failure. */
  private static <A, B> java.util.function.Function<A, Future<B>> step(Step<A, B> step) {
    return input -> {
      try {
        return Future.succeededFuture(step.apply(input));
      } catch (TokenException e) {
        return Future.failedFuture(e);
      }
    };
  }
}
