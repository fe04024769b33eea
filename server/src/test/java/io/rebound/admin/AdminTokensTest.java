package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.auth.JwtSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdminTokensTest {

  private final AtomicLong now = new AtomicLong(1_800_000_000L);
  private final AdminTokens tokens = new AdminTokens("admin-secret", Duration.ofMinutes(10), now::get);

  @Test
  void anIssuedTokenIsValidUntilItExpires() {
    AdminTokens.Issued issued = tokens.issue();
    assertThat(issued.expiresAt()).isEqualTo(now.get() + 600);
    assertThat(tokens.check(issued.token())).isEqualTo(AdminTokens.Check.VALID);

    now.addAndGet(599);
    assertThat(tokens.check(issued.token())).isEqualTo(AdminTokens.Check.VALID);
    now.addAndGet(1);
    assertThat(tokens.check(issued.token())).isEqualTo(AdminTokens.Check.EXPIRED);
  }

  @Test
  void anotherNodeWithTheSameSecretAcceptsIt() {
    AdminTokens otherNode = new AdminTokens("admin-secret", Duration.ofMinutes(1), now::get);
    assertThat(otherNode.check(tokens.issue().token())).isEqualTo(AdminTokens.Check.VALID);
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefused() {
    AdminTokens other = new AdminTokens("not-the-admin-secret", Duration.ofMinutes(10), now::get);
    assertThat(tokens.check(other.issue().token())).isEqualTo(AdminTokens.Check.BAD_SIGNATURE);
  }

  @Test
  void aChangedPayloadBreaksTheSignature() {
    String[] parts = tokens.issue().token().split("\\.");
    String forever = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"sub\":\"admin\",\"aud\":\"rebound-admin\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.check(parts[0] + "." + forever + "." + parts[2])).isEqualTo(AdminTokens.Check.BAD_SIGNATURE);
  }

  @Test
  void aConnectionTokenSignedWithTheSameKeyIsNotAnAdminToken() {
    // Same HS256 header, right signature: only the audience tells it apart.
    String connectionToken = new JwtSigner("admin-secret").sign(Map.of("sub", "admin", "exp", now.get() + 600));
    assertThat(tokens.check(connectionToken)).isEqualTo(AdminTokens.Check.WRONG_AUDIENCE);
  }

  @Test
  void theTokenCannotChooseItsAlgorithm() {
    String payload = tokens.issue().token().split("\\.")[1];
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.check(none + "." + payload + ".")).isEqualTo(AdminTokens.Check.MALFORMED);
  }

  @Test
  void missingAndGarbageTokensAreRefused() {
    assertThat(tokens.check(null)).isEqualTo(AdminTokens.Check.MISSING);
    assertThat(tokens.check("")).isEqualTo(AdminTokens.Check.MISSING);
    assertThat(tokens.check("abc")).isEqualTo(AdminTokens.Check.MALFORMED);
    String header = tokens.issue().token().split("\\.")[0];
    assertThat(tokens.check(header + ".%%%.%%%")).isEqualTo(AdminTokens.Check.MALFORMED);
  }
}
