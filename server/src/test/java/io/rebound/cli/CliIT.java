package io.rebound.cli;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.auth.JwtSigner;
import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.Ports;
import io.rebound.testing.SdkClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end, from the shaded jar: a config written by {@code genconfig} starts a node (with an
 * {@code REBOUND_API_KEY} override), a token from {@code gentoken} connects the real centrifuge SDK which receives a
 * publication, {@code checktoken} explains an expired and a wrong-signature token, and an unknown {@code REBOUND_*}
 * variable stops the node with its name.
 */
class CliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aGeneratedConfigStartsANodeAndAGeneratedTokenConnectsTheSdk() throws Exception {
    Path config = dir.resolve("config.json");
    JarRun.Result gen = JarRun.run(Map.of(), "genconfig", config.toString());
    assertThat(gen.status()).as(gen.err()).isZero();
    assertThat(JarRun.run(Map.of(), "genconfig", config.toString()).status()).as("never overwrites").isEqualTo(1);
    JarRun.Result check = JarRun.run(Map.of(), "checkconfig", config.toString());
    assertThat(check.status()).as(check.err()).isZero();
    assertThat(check.out()).contains("is valid: engine memory");
    JsonNode generated = JSON.readTree(Files.readString(config));

    int port = Ports.free();
    Process node = JarRun.start("generated-node", Map.of("REBOUND_API_KEY", "key-from-env"), "--config", config.toString(), "--port", Integer.toString(port));
    try (SdkClient sdk = awaitNodeThenConnect(node, port, config)) {
      ApiClient api = new ApiClient(port, "key-from-env");
      assertThat(api.ok("presence", "{\"channel\":\"chat:cli\"}").toString()).as("connected as the token's user").contains("\"user\":\"alice\"");
      api.ok("publish", "{\"channel\":\"chat:cli\",\"data\":{\"text\":\"hello\"}}");
      sdk.until("the publication", ev -> sdk.publications("sub", "chat:cli").size() == 1);
      assertThat(sdk.publications("sub", "chat:cli").get(0).path("data").path("text").asText()).isEqualTo("hello");
      assertThat(new ApiClient(port, generated.path("api_key").asText()).call("publish", "{\"channel\":\"chat:cli\",\"data\":{}}").status())
          .as("REBOUND_API_KEY replaced the file's api_key").isEqualTo(401);
      assertThat(JarRun.log("generated-node")).contains("event=config_env_overrides variables=REBOUND_API_KEY").doesNotContain("key-from-env");
    } finally {
      node.destroy();
      node.waitFor(40, TimeUnit.SECONDS);
    }
  }

  private static SdkClient awaitNodeThenConnect(Process node, int port, Path config) {
    ApiClient health = new ApiClient(port, "");
    Await.until("the node from the generated config answers /health", START, () -> {
      if (!node.isAlive()) throw new AssertionError("node exited with " + node.exitValue() + ":\n" + JarRun.log("generated-node"));
      return health.answersOk("/health");
    });
    JarRun.Result token = JarRun.run(Map.of(), "gentoken", "--user", "alice", "--ttl", "10m", "--config", config.toString());
    assertThat(token.status()).as(token.err()).isZero();
    SdkClient sdk = SdkClient.start("cli-sdk", "driver.mjs", List.of(), Map.of(
        "REBOUND_URL", "ws://127.0.0.1:" + port + "/connection/websocket",
        "REBOUND_TOKEN", token.out().trim(),
        "REBOUND_CHANNELS", "chat:cli",
        "REBOUND_GET_TOKEN", "0"));
    sdk.await("connected with the generated token", is("client", "connected"));
    sdk.await("subscribed", is("sub", "subscribed", "chat:cli"));
    return sdk;
  }

  @Test
  void checktokenExplainsExpiredAndWrongSignatureTokens() throws Exception {
    Path config = dir.resolve("config.json");
    assertThat(JarRun.run(Map.of(), "genconfig", config.toString()).status()).isZero();
    String secret = JSON.readTree(Files.readString(config)).path("token_hmac_secret_key").asText();
    long now = System.currentTimeMillis() / 1000;

    String expired = new JwtSigner(secret).sign(Map.of("sub", "alice", "exp", now - 3600));
    JarRun.Result e = JarRun.run(Map.of(), "checktoken", expired, "--config", config.toString());
    assertThat(e.status()).isEqualTo(1);
    assertThat(e.out()).contains("invalid connection token: expired", "ago)", "error 109", "claims (signature valid)", "\"sub\":\"alice\"");

    String forged = new JwtSigner("not-the-configured-secret").sign(Map.of("sub", "mallory", "exp", now + 3600));
    JarRun.Result w = JarRun.run(Map.of(), "checktoken", forged, "--config", config.toString());
    assertThat(w.status()).isEqualTo(1);
    assertThat(w.out()).contains("invalid connection token: wrong signature: it was not signed with the token_hmac_secret_key of " + config,
        "claims (NOT verified)", "mallory");

    String good = JarRun.run(Map.of(), "gentoken", "--user", "alice", "--config", config.toString()).out().trim();
    JarRun.Result ok = JarRun.run(Map.of(), "checktoken", good, "--config", config.toString());
    assertThat(ok.status()).isZero();
    assertThat(ok.out()).contains("valid connection token (HS256)", "user:     alice");
  }

  @Test
  void anUnknownReboundVariableStopsTheNodeNamingIt() throws Exception {
    JarRun.Result r = JarRun.run(Map.of("REBOUND_FORCE_RECOVRY", "true"), "--port", Integer.toString(Ports.free()));
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("REBOUND_FORCE_RECOVRY: unknown environment variable", "did you mean REBOUND_FORCE_RECOVERY?");
  }

  @Test
  void helpVersionAndTheDeprecatedGentokenFlag() {
    JarRun.Result help = JarRun.run(Map.of(), "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("genconfig", "checkconfig", "gentoken", "gensubtoken", "checktoken", "version");
    assertThat(JarRun.run(Map.of(), "version").out()).startsWith("rebound ");
    JarRun.Result old = JarRun.run(Map.of(), "--gentoken", "alice");
    assertThat(old.status()).isZero();
    assertThat(old.err()).contains("--gentoken is deprecated");
    assertThat(old.out().trim()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }
}
