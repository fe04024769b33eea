package io.rebound.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.JwtSigner;
import io.rebound.config.BrokerConfig;
import io.rebound.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the token commands share: their flags' parsing, the signer of the configured secret, and time in words. */
final class Tokens {

  /** Token lifetime when {@code --ttl} is not given (the old {@code --gentoken} gave 24 h too). */
  static final String DEFAULT_TTL = "24h";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Tokens() {}

  /** The {@code --ttl} value: a duration as in the config file ({@code 90s}, {@code 1h30m}); 0 = no expiry. */
  static Duration ttl(String text) {
    Duration d = Durations.parse(text);
    if (d == null) throw new UsageException("--ttl: \"" + text + "\" is not a duration " + Durations.HINT);
    return d;
  }

  /** A JSON flag value ({@code --info}). */
  static JsonNode json(String flag, String text) {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || n.isMissingNode()) throw new UsageException("--" + flag + " is empty");
      return n;
    } catch (JsonProcessingException e) {
      throw new UsageException("--" + flag + " is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A signer with the configuration's {@code token_hmac_secret_key}, or null (after saying why) when it has none. */
  static JwtSigner signer(BrokerConfig config, ConfigSource source, Invocation in) {
    if (config.tokenHmacSecretKey().isEmpty()) {
      in.err().println("rebound: " + source.describe() + " has no token_hmac_secret_key: nothing to sign with");
      return null;
    }
    return new JwtSigner(config.tokenHmacSecretKey());
  }

  /** The common claims: {@code sub}, {@code exp} (unless {@code ttl} is 0) and {@code info}. */
  static Map<String, Object> claims(String user, Duration ttl, String info, Invocation in) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", user);
    if (!ttl.isZero()) claims.put("exp", in.nowSeconds() + ttl.toSeconds());
    if (info != null) claims.put("info", json("info", info));
    return claims;
  }

  /** "2026-11-28T15:00:00Z (in 23h 59m)" or "never". */
  static String when(Object epochSeconds, long now) {
    if (!(epochSeconds instanceof Number n)) return "never";
    long at = n.longValue();
    String delta = words(Math.abs(at - now));
    return Instant.ofEpochSecond(at) + (at >= now ? " (in " + delta + ")" : " (" + delta + " ago)");
  }

  /** "1d 2h", "5m 3s", "42s". */
  static String words(long seconds) {
    long d = seconds / 86_400;
    long h = seconds % 86_400 / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + m + "m";
    if (m > 0) return m + "m " + s + "s";
    return s + "s";
  }
}
