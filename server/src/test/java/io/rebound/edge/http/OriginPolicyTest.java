package io.rebound.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OriginPolicy}'s rules; the handshakes themselves are checked over sockets in OriginAndTextIT. */
class OriginPolicyTest {

  @Test
  void noOriginIsAlwaysAllowedAndStarAllowsEveryOne() {
    assertThat(new OriginPolicy(List.of()).allows(null, "node:8000")).isTrue();
    assertThat(new OriginPolicy(List.of("https://a.example")).allows(null, null)).isTrue();
    assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example", "node:8000")).isTrue();
  }

  @Test
  void theDefaultIsTheSameOriginOnly() {
    OriginPolicy same = new OriginPolicy(List.of());
    assertThat(same.allows("https://chat.example.com", "chat.example.com")).isTrue();
    assertThat(same.allows("http://Node:8000", "node:8000")).isTrue();
    assertThat(same.allows("http://node:8001", "node:8000")).isFalse();
    assertThat(same.allows("https://evil.example", "chat.example.com")).isFalse();
    assertThat(same.allows("null", "null")).as("an opaque origin is nobody's").isFalse();
    assertThat(same.allows("https://chat.example.com/path", "chat.example.com")).isFalse();
    assertThat(same.allows("https://chat.example.com", null)).isFalse();
  }

  @Test
  void patternsMatchTheWholeOriginWithStars() {
    assertThat(OriginPolicy.matches("https://*.example.com", "https://a.b.example.com")).isTrue();
    assertThat(OriginPolicy.matches("https://*.example.com", "https://example.com")).isFalse();
    assertThat(OriginPolicy.matches("https://*.example.com", "https://a.example.com.evil.net")).isFalse();
    assertThat(OriginPolicy.matches("*a*a*a*a*b", "a".repeat(1000))).as("no backtracking blow-up").isFalse();
    assertThat(OriginPolicy.matches("http://localhost:*", "http://localhost:3000")).isTrue();
  }

  @Test
  void overlongOriginsAreRefused() {
    assertThat(new OriginPolicy(List.of("https://*")).allows("https://" + "a".repeat(OriginPolicy.MAX_ORIGIN_LENGTH), "x")).isFalse();
  }
}
