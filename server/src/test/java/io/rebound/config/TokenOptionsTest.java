package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.auth.TestKeys;
import io.rebound.auth.TokenSettings;
import org.junit.jupiter.api.Test;

/** The token_* and subscription_token_* keys: read, checked at start, and named when wrong. */
class TokenOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RSA_PEM = TestKeys.pem(TestKeys.rsa(2048).getPublic());
  private static final String EC_PEM = TestKeys.pem(TestKeys.ec("secp256r1").getPublic());

  private static ObjectNode config() {
    return JSON.createObjectNode().put("api_key", "k");
  }

  private static void assertRejected(ObjectNode json, String key, String messagePart) {
    assertThatThrownBy(() -> ConfigLoader.parse(json.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  void anAsymmetricKeyAloneIsEnoughToStart() {
    BrokerConfig rsa = ConfigLoader.parse(config().put("token_rsa_public_key", RSA_PEM).toString());
    assertThat(rsa.connectionTokens().rsaPublicKey()).isEqualTo(RSA_PEM);
    assertThat(rsa.connectionTokens().hmacSecretKey()).isEmpty();
    assertThat(rsa.separateSubscriptionTokens()).isNull();

    BrokerConfig jwks = ConfigLoader.parse(config().put("token_jwks_public_endpoint", "https://idp.example.com/certs")
        .put("token_audience", "rebound").put("token_issuer_regex", "^https://idp\\.example\\.com/realms/[a-z]+$").toString());
    assertThat(jwks.connectionTokens().jwksPublicEndpoint()).isEqualTo("https://idp.example.com/certs");
    assertThat(jwks.connectionTokens().audience()).isEqualTo("rebound");

    assertRejected(config(), "token_hmac_secret_key", "token_jwks_public_endpoint");
  }

  @Test
  void hmacAndAsymmetricKeysTogether() {
    BrokerConfig c = ConfigLoader.parse(config().put("token_hmac_secret_key", "s").put("token_rsa_public_key", RSA_PEM)
        .put("token_ecdsa_public_key", EC_PEM).toString());
    TokenSettings t = c.connectionTokens();
    assertThat(t.hmacSecretKey()).isEqualTo("s");
    assertThat(t.ecdsaPublicKey()).isEqualTo(EC_PEM);
  }

  @Test
  void badValuesNameTheirKey() {
    assertRejected(config().put("token_rsa_public_key", "not a key"), "token_rsa_public_key", "no PEM block");
    assertRejected(config().put("token_ecdsa_public_key", RSA_PEM), "token_ecdsa_public_key", "not an EC public key");
    assertRejected(config().put("token_jwks_public_endpoint", "https://idp/{{realm}}/certs"), "token_jwks_public_endpoint", "templated");
    assertRejected(config().put("token_hmac_secret_key", "s").put("token_audience", "a").put("token_audience_regex", "b"),
        "token_audience", "not both");
    assertRejected(config().put("token_hmac_secret_key", "s").put("token_issuer_regex", "(?P<x"), "token_issuer_regex", "regex");
    assertRejected(config().put("token_hmac_secret_key", "s").put("token_user_id_claim", "uid"), "token_user_id_claim", "unknown key");
  }

  @Test
  void aSeparateSubscriptionTokenConfig() {
    BrokerConfig c = ConfigLoader.parse(config().put("token_jwks_public_endpoint", "https://idp.example.com/certs")
        .put("separate_subscription_token_config", true).put("subscription_token_hmac_secret_key", "sub-secret")
        .put("subscription_token_issuer", "backend").toString());

    assertThat(c.connectionTokens().hmacSecretKey()).isEmpty();
    assertThat(c.separateSubscriptionTokens().hmacSecretKey()).isEqualTo("sub-secret");
    assertThat(c.separateSubscriptionTokens().issuer()).isEqualTo("backend");
    assertThat(c.separateSubscriptionTokens().jwksPublicEndpoint()).isEmpty();

    assertRejected(config().put("token_hmac_secret_key", "s").put("separate_subscription_token_config", true)
        .put("subscription_token_rsa_public_key", "junk"), "subscription_token_rsa_public_key", "no PEM block");
  }

  @Test
  void subscriptionTokenOptionsWithoutTheSwitchAreAMistake() {
    assertRejected(config().put("token_hmac_secret_key", "s").put("subscription_token_hmac_secret_key", "x"),
        "separate_subscription_token_config", "subscription_token_* options are set");
  }
}
