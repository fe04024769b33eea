package io.rebound.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.TokenException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A JWT in JWS compact form, split and checked for shape but not yet for its signature: {@code
 * header.payload.signature}, each canonical unpadded base64url ({@link Base64Url}), a header that
 * names an implemented algorithm and no {@code crit} extension. The payload is parsed only on
 * request ({@link #claims()}), after the caller has checked the signature, so a forged token costs
 * no JSON parsing of its body.
 *
 * @param algorithm the header's {@code alg}
 * @param kid the header's {@code kid}, or null
 * @param signingInput the ASCII bytes the signature covers: {@code header.payload}
 * @param signature the decoded signature
 * @param payload the payload segment, still encoded
 */
record CompactJws(JwsAlgorithm algorithm, String kid, byte[] signingInput, byte[] signature, String payload) {

  // Duplicate members are refused: with last-one-wins a second "sub" or "alg" could be read one way
  // here and another way by the backend that issued or inspects the token.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The token's parts; INVALID when it is not a well-formed JWS with a supported algorithm. */
  static CompactJws parse(String token) throws TokenException {
    if (token == null || token.isEmpty()) throw invalid("no token");
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) throw invalid("a JWT has 3 segments");
    JsonNode header = json(token.substring(0, first), "header");
    JsonNode alg = header.get("alg");
    if (alg == null || !alg.isTextual()) throw invalid("header has no alg");
    if (alg.textValue().equalsIgnoreCase("none")) throw invalid("alg none is never accepted");
    JwsAlgorithm algorithm = JwsAlgorithm.byName(alg.textValue());
    if (algorithm == null) throw invalid("unsupported algorithm " + printable(alg.textValue()));
    // RFC 7515 §4.1.11: extensions listed in crit must be understood, and Rebound understands none.
    if (header.has("crit")) throw invalid("crit header extensions are not supported");
    JsonNode kid = header.get("kid");
    if (kid != null && !kid.isTextual()) throw invalid("kid must be a string");
    byte[] signature = decode(token.substring(second + 1), "signature");
    if (signature.length == 0) throw invalid("no signature");
    String payload = token.substring(first + 1, second);
    if (payload.isEmpty()) throw invalid("empty payload");
    return new CompactJws(algorithm, kid == null ? null : kid.textValue(),
        token.substring(0, second).getBytes(StandardCharsets.US_ASCII), signature, payload);
  }

  /** The payload as a JSON object; call only once the signature is known to be good. */
  JsonNode claims() throws TokenException {
    return json(payload, "payload");
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
      return Base64Url.decode(segment);
    } catch (IllegalArgumentException e) {
      throw invalid(what + " is not canonical base64url: " + e.getMessage());
    }
  }

  /** A header value fit for a log line: short, and without quotes or control characters. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), 32));
    for (int i = 0; i < value.length() && i < 32; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    return out.toString();
  }

  static TokenException invalid(String why) {
    return new TokenException(Kind.INVALID, why);
  }
}
