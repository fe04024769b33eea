package io.rebound.auth;

import java.security.PublicKey;

/**
 * One usable signing key of a JWKS document.
 *
 * @param kid the key id tokens name in their {@code kid} header
 * @param key the public key (RSA, or EC on P-256/384/521)
 * @param algorithm the JWK's {@code alg}, or null when the key does not restrict its algorithm
 */
record Jwk(String kid, PublicKey key, JwsAlgorithm algorithm) {

  /** Whether a token signed with {@code alg} may be checked with this key. */
  boolean allows(JwsAlgorithm alg) {
    return (algorithm == null || algorithm == alg) && alg.fits(key);
  }
}
