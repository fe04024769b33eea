package io.rebound.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.TokenException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Centrifugo connection and subscription JWTs signed with HMAC (HS256, HS384, HS512).
 * Every other algorithm, including {@code none}, is refused, so a token cannot choose to skip the
 * signature. {@code exp} and {@code nbf} are checked against the caller's clock with no leeway.
 * Thread-safe.
 */
public final class JwtVerifier {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final Map<String, String> MACS =
      Map.of("HS256", "HmacSHA256", "HS384", "HmacSHA384", "HS512", "HmacSHA512");

  private final byte[] secret;

  /**
   * A verifier for tokens signed with {@code hmacSecret}. An empty or null secret is allowed (the
   * config permits it when anonymous connects need no token) and then refuses every token.
   */
  public JwtVerifier(String hmacSecret) {
    this.secret = hmacSecret == null ? new byte[0] : hmacSecret.getBytes(StandardCharsets.UTF_8);
  }

  /** The claims of a valid connection token; a {@code channel} claim makes it invalid. */
  public ConnectClaims verifyConnect(String token, long nowEpochSeconds) throws TokenException {
    JsonNode claims = verify(token, nowEpochSeconds);
    if (claims.has("channel")) throw invalid("connection token must not have a channel claim");
    Set<String> channels = new LinkedHashSet<>();
    JsonNode list = claims.get("channels");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) throw invalid("channels claim must be an array");
      for (JsonNode ch : list) {
        if (!ch.isTextual()) throw invalid("channels claim must hold strings");
        channels.add(ch.textValue());
      }
    }
    JsonNode subs = claims.get("subs");
    if (subs != null && !subs.isNull()) {
      if (!subs.isObject()) throw invalid("subs claim must be an object");
      for (Iterator<String> it = subs.fieldNames(); it.hasNext(); ) channels.add(it.next());
    }
    return new ConnectClaims(text(claims, "sub", ""), expiresAt(claims), raw(claims, "info"), new ArrayList<>(channels));
  }

  /** The claims of a valid subscription token; the {@code channel} claim is required. */
  public SubscribeClaims verifySubscribe(String token, long nowEpochSeconds) throws TokenException {
    JsonNode claims = verify(token, nowEpochSeconds);
    String channel = text(claims, "channel", "");
    if (channel.isEmpty()) throw invalid("subscription token needs a channel claim");
    return new SubscribeClaims(text(claims, "sub", ""), channel, text(claims, "client", null),
        expiresAt(claims), raw(claims, "info"), raw(claims, "data"));
  }

  /** The payload of a correctly signed, currently valid token. */
  private JsonNode verify(String token, long now) throws TokenException {
    if (token == null) throw invalid("no token");
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) throw invalid("a JWT has 3 segments");
    JsonNode header = json(parts[0], "header");
    JsonNode alg = header.get("alg");
    String macName = alg != null && alg.isTextual() ? MACS.get(alg.textValue()) : null;
    if (macName == null) throw invalid("unsupported alg " + alg);
    if (secret.length == 0) throw invalid("no HMAC secret configured");
    byte[] expected = mac(macName, parts[0] + "." + parts[1]);
    // Constant-time: a comparison that stops at the first differing byte leaks the signature.
    if (!MessageDigest.isEqual(expected, decode(parts[2], "signature"))) throw invalid("bad signature");
    JsonNode claims = json(parts[1], "payload");
    // "exp": 0 is a token that expired in 1970, not one that never expires.
    Long exp = numericDate(claims, "exp");
    if (exp != null && now >= exp) throw new TokenException(Kind.EXPIRED, "token expired");
    Long nbf = numericDate(claims, "nbf");
    if (nbf != null && now < nbf) throw invalid("token not valid yet");
    return claims;
  }

  private byte[] mac(String algorithm, String signingInput) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC unavailable: " + algorithm, e);
    }
  }

  private static JsonNode json(String segment, String what) throws TokenException {
    try {
      JsonNode node = JSON.readTree(decode(segment, what));
      if (node == null || !node.isObject()) throw invalid(what + " is not a JSON object");
      return node;
    } catch (IOException e) {
      throw invalid(what + " is not JSON");
    }
  }

  private static byte[] decode(String segment, String what) throws TokenException {
    try {
      return B64.decode(segment);
    } catch (IllegalArgumentException e) {
      throw invalid(what + " is not base64url");
    }
  }

  /** A NumericDate claim in whole seconds, null when absent. */
  private static Long numericDate(JsonNode claims, String name) throws TokenException {
    JsonNode v = claims.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isNumber()) throw invalid(name + " claim must be a number");
    return v.longValue();
  }

  /** PROTOCOL.md §6.2: expire_at > 0 wins, expire_at 0 (or less) means never, else exp. */
  private static long expiresAt(JsonNode claims) throws TokenException {
    JsonNode expireAt = claims.get("expire_at");
    if (expireAt != null && !expireAt.isNull()) {
      if (!expireAt.isNumber()) throw invalid("expire_at claim must be a number");
      return Math.max(0, expireAt.longValue());
    }
    Long exp = numericDate(claims, "exp");
    return exp == null ? 0 : exp;
  }

  private static String text(JsonNode claims, String name, String absent) throws TokenException {
    JsonNode v = claims.get(name);
    if (v == null || v.isNull()) return absent;
    if (!v.isTextual()) throw invalid(name + " claim must be a string");
    return v.textValue();
  }

  private static String raw(JsonNode claims, String name) {
    JsonNode v = claims.get(name);
    return v == null || v.isNull() ? null : v.toString();
  }

  private static TokenException invalid(String why) {
    return new TokenException(Kind.INVALID, why);
  }
}
