package io.rebound.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one token configuration, and which of them checks a given token. The token's
 * {@code alg} picks the family, so HMAC and asymmetric keys configured together all work:
 *
 * <ul>
 *   <li>HS256/384/512: the HMAC secret.
 *   <li>RS* and ES*: with a JWKS endpoint and a {@code kid} in the token, the JWKS key of that kid
 *       (fetched when not cached); otherwise the PEM key of the family — for ES*, only when the key
 *       is on the algorithm's curve. So tokens signed with the PEM key must not carry a
 *       {@code kid} when a JWKS endpoint is configured too.
 *   <li>Anything else: INVALID, "algorithm RS256 not configured".
 * </ul>
 *
 * <p>Thread-safe.
 */
final class TokenKeys {

  private final byte[] hmacSecret;
  private final RSAPublicKey rsa;
  private final ECPublicKey ecdsa;
  private final JwksKeySource jwks;

  private TokenKeys(byte[] hmacSecret, RSAPublicKey rsa, ECPublicKey ecdsa, JwksKeySource jwks) {
    this.hmacSecret = hmacSecret;
    this.rsa = rsa;
    this.ecdsa = ecdsa;
    this.jwks = jwks;
  }

  /** The keys of {@code settings} (valid ones: see {@link TokenSettings#validate()}); {@code vertx} only serves a JWKS endpoint. */
  static TokenKeys of(TokenSettings settings, Vertx vertx) {
    settings.validate();
    RSAPublicKey rsa = settings.rsaPublicKey().isEmpty() ? null : PemKeys.rsa(settings.rsaPublicKey());
    ECPublicKey ecdsa = settings.ecdsaPublicKey().isEmpty() ? null : PemKeys.ecdsa(settings.ecdsaPublicKey());
    JwksKeySource jwks = null;
    if (!settings.jwksPublicEndpoint().isEmpty()) {
      if (vertx == null) throw new IllegalArgumentException("a JWKS endpoint needs a Vert.x instance to fetch it with");
      jwks = new JwksKeySource(vertx, settings.jwksPublicEndpoint());
    }
    return new TokenKeys(settings.hmacSecretKey().getBytes(StandardCharsets.UTF_8), rsa, ecdsa, jwks);
  }

  /** The key for {@code jws} without waiting, or null when it must be fetched first ({@link #fetch}). */
  Key now(CompactJws jws) throws TokenException {
    JwsAlgorithm alg = jws.algorithm();
    if (alg.family == JwsAlgorithm.Family.HMAC) {
      if (hmacSecret.length == 0) throw notConfigured(alg);
      return new SecretKeySpec(hmacSecret, alg.name());
    }
    if (jwks != null && jws.kid() != null) {
      Jwk key = jwks.cached(jws.kid(), alg);
      return key == null ? null : key.key();
    }
    PublicKey pem = alg.family == JwsAlgorithm.Family.RSA ? rsa : ecdsa;
    if (pem != null) {
      if (!alg.fits(pem)) throw TokenClaims.invalid("algorithm " + alg + " not configured (the ECDSA key is not on " + alg.curveName() + ")");
      return pem;
    }
    if (jwks != null) throw TokenClaims.invalid("token has no kid, which the JWKS key set needs");
    throw notConfigured(alg);
  }

  /** The JWKS key for {@code jws} after a fetch (when {@link #now} answered null); completes on the caller's context. */
  Future<Key> fetch(CompactJws jws) {
    return jwks.fetch(jws.kid(), jws.algorithm()).map(Jwk::key);
  }

  /** Loads the JWKS key set now, if there is one; never fails. */
  Future<Void> prefetch() {
    return jwks == null ? Future.succeededFuture() : jwks.prefetch();
  }

  Future<Void> close() {
    return jwks == null ? Future.succeededFuture() : jwks.close();
  }

  private static TokenException notConfigured(JwsAlgorithm alg) {
    return TokenClaims.invalid("algorithm " + alg + " not configured");
  }
}
