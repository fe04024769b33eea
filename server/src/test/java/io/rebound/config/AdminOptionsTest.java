package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code admin*} keys: defaults, and a refusal naming the key for every unusable combination. */
class AdminOptionsTest {

  private static BrokerConfig parse(String extra) {
    return ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  private static void assertRejected(String extra, String key, String messagePart) {
    assertThatThrownBy(() -> parse(extra))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  void theAdminPageIsOffByDefault() {
    AdminOptions admin = parse("").admin();
    assertThat(admin).isEqualTo(AdminOptions.DISABLED);
    assertThat(admin.enabled()).isFalse();
    assertThat(admin.tokenTtl()).isEqualTo(AdminOptions.DEFAULT_TOKEN_TTL);
  }

  @Test
  void allKeysAreRead() {
    AdminOptions admin = parse("\"port\": 9000, \"admin\": true, \"admin_password\": \"pw\", \"admin_secret\": \"as\", "
        + "\"admin_port\": 9001, \"admin_token_ttl\": \"30m\"").admin();
    assertThat(admin).isEqualTo(new AdminOptions(true, "pw", "as", false, 9001, Duration.ofMinutes(30)));
    assertThat(admin.ownPort(9000)).isTrue();
    assertThat(admin.ownPort(9001)).isFalse();
    assertThat(new AdminOptions(true, "pw", "as", false, 0, null).ownPort(9000)).isFalse();
  }

  @Test
  void enablingItWithoutAPasswordRefusesToStart() {
    assertRejected("\"admin\": true, \"admin_secret\": \"as\"", "admin_password", "admin_password: is required when admin is true");
  }

  @Test
  void enablingItWithoutASecretRefusesToStart() {
    assertRejected("\"admin\": true, \"admin_password\": \"pw\"", "admin_secret", "admin_secret: is required when admin is true");
  }

  @Test
  void insecureNeedsNeitherPasswordNorSecret() {
    AdminOptions admin = parse("\"admin\": true, \"admin_insecure\": true").admin();
    assertThat(admin.enabled()).isTrue();
    assertThat(admin.insecure()).isTrue();
  }

  @Test
  void theAdminSecretMustNotBeTheConnectionTokenSecret() {
    assertRejected("\"admin\": true, \"admin_password\": \"pw\", \"admin_secret\": \"s\"", "admin_secret", "must differ from token_hmac_secret_key");
  }

  @Test
  void badValuesAndTyposNameTheirKey() {
    assertRejected("\"admin_pasword\": \"pw\"", "admin_pasword", "unknown key");
    assertRejected("\"admin\": \"yes\"", "admin", "expected a boolean");
    assertRejected("\"admin_port\": 70000", "admin_port", "not in 0..65535");
    assertRejected("\"admin_token_ttl\": \"0s\"", "admin_token_ttl", "at least 1s");
  }
}
