package io.rebound.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.ConnectClaims;
import io.rebound.auth.JwtVerifier;
import io.rebound.auth.SubscribeClaims;
import io.rebound.auth.TokenException;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * {@code checktoken TOKEN [--config FILE]}: verifies a connection or subscription token exactly as the node does
 * ({@link JwtVerifier}, with the configuration's secret and the current time) and says what it grants, or why a node
 * refuses it — expired (and since when), wrong signature (not signed with this configuration's secret), not valid yet,
 * malformed — showing its claims either way (marked unverified when the signature is wrong). Exit 0 when valid, 1 not.
 */
final class CheckToken implements Command {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "checktoken";
  }

  @Override
  public String synopsis() {
    return "TOKEN [--config FILE]";
  }

  @Override
  public String summary() {
    return "verify a token as a node would: what it grants, or why it is refused (expired, wrong signature, …)";
  }

  @Override
  public int run(Invocation in) {
    Args args = Args.parse(in.args(), Set.of("config"));
    if (args.positional(1).isEmpty()) throw new UsageException("checktoken needs a TOKEN");
    String token = args.positional(1).get(0).trim();
    ConfigSource source = ConfigSource.of(args.get("config", null), in.env());
    BrokerConfig config;
    try {
      config = source.load();
    } catch (ConfigException e) {
      in.err().println("rebound checktoken: " + e.getMessage());
      return REFUSED;
    }
    JsonNode claims = unverifiedClaims(token);
    boolean subscription = claims != null && claims.has("channel");
    String kind = subscription ? "subscription token" : "connection token";
    JwtVerifier verifier = new JwtVerifier(config.tokenHmacSecretKey());
    long now = in.nowSeconds();
    try {
      if (subscription) {
        SubscribeClaims c = verifier.verifySubscribe(token, now);
        in.out().println("valid " + kind + " (" + algorithm(token) + "), checked with the secret of " + source.describe());
        in.out().println("  user:     " + quoted(c.user()));
        in.out().println("  channel:  " + c.channel());
        if (c.client() != null) in.out().println("  client:   " + c.client());
        in.out().println("  expires:  " + Tokens.when(c.expiresAt() == 0 ? null : c.expiresAt(), now));
        if (c.info() != null) in.out().println("  info:     " + c.info());
        if (c.data() != null) in.out().println("  data:     " + c.data());
      } else {
        ConnectClaims c = verifier.verifyConnect(token, now);
        in.out().println("valid " + kind + " (" + algorithm(token) + "), checked with the secret of " + source.describe());
        in.out().println("  user:     " + quoted(c.user()));
        in.out().println("  expires:  " + Tokens.when(c.expiresAt() == 0 ? null : c.expiresAt(), now));
        if (!c.channels().isEmpty()) in.out().println("  channels: " + String.join(", ", c.channels()) + " (server-side subscriptions)");
        if (c.info() != null) in.out().println("  info:     " + c.info());
      }
      return OK;
    } catch (TokenException e) {
      in.out().println("invalid " + (claims == null ? "token" : kind) + ": " + explain(e, claims, source, now));
      if (claims != null) {
        boolean signed = e.kind() == TokenException.Kind.EXPIRED || e.getMessage().equals("token not valid yet");
        in.out().println("  claims (" + (signed ? "signature valid" : "NOT verified") + "): " + claims);
      }
      return REFUSED;
    }
  }

  /** The refusal in an operator's words, with what a client would see. */
  private static String explain(TokenException e, JsonNode claims, ConfigSource source, long now) {
    if (e.kind() == TokenException.Kind.EXPIRED) {
      return "expired " + Tokens.when(claims == null ? null : claims.path("exp").numberValue(), now)
          + "; a client gets error 109 (token expired) and should fetch a new token";
    }
    return switch (e.getMessage()) {
      case "bad signature" -> "wrong signature: it was not signed with the token_hmac_secret_key of " + source.describe()
          + "; a node closes the connection with 3500 (invalid token)";
      case "token not valid yet" -> "not valid before " + Tokens.when(claims == null ? null : claims.path("nbf").numberValue(), now) + " (nbf claim)";
      case "no HMAC secret configured" -> source.describe() + " has no token_hmac_secret_key, so no token is valid";
      default -> e.getMessage();
    };
  }

  /** The payload of a JWT without checking anything, for display; null when it is not even a JWT. */
  private static JsonNode unverifiedClaims(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) return null;
    try {
      JsonNode n = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return n != null && n.isObject() ? n : null;
    } catch (IllegalArgumentException | java.io.IOException e) {
      return null;
    }
  }

  private static String algorithm(String token) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.", -1)[0])).path("alg").asText("?");
    } catch (IllegalArgumentException | java.io.IOException e) {
      return "?";
    }
  }

  private static String quoted(String user) {
    return user.isEmpty() ? "\"\" (anonymous)" : user;
  }
}
