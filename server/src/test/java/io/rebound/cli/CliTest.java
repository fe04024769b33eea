package io.rebound.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.auth.ConnectClaims;
import io.rebound.auth.JwtSigner;
import io.rebound.auth.JwtVerifier;
import io.rebound.auth.SubscribeClaims;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.core.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command in-process: what it prints, its exit status, and what it refuses. CliIT runs them from the jar. */
class CliTest {

  private static final long NOW = 1_800_000_000L;
  private static final String SECRET = "cli-test-secret";

  @TempDir Path dir;

  /** One run's exit status and output. */
  record Run(int status, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env,
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  private Path config(String json) throws Exception {
    Path f = dir.resolve("c-" + System.nanoTime() + ".json");
    Files.writeString(f, json);
    return f;
  }

  private Path secretConfig() throws Exception {
    return config("{\"token_hmac_secret_key\":\"" + SECRET + "\",\"api_key\":\"k\"}");
  }

  @Test
  void helpListsEveryCommandAndUnknownOnesAreUsageErrors() {
    Run help = run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("genconfig", "checkconfig", "gentoken", "gensubtoken", "checktoken", "version", "help",
        "--config FILE", "--port N", "REBOUND_CONFIG", "REBOUND_<KEY>");
    assertThat(run("help").out()).isEqualTo(help.out());
    assertThat(run("help", "gentoken").out()).contains("gentoken --user U");
    Run unknown = run("gentokn");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'gentokn'", "gentoken");
    assertThat(Cli.isCommand(new String[] {"--config", "x"})).isFalse();
    assertThat(Cli.isCommand(new String[] {})).isFalse();
    assertThat(Cli.isCommand(new String[] {"version"})).isTrue();
  }

  @Test
  void versionPrintsTheServerVersion() {
    assertThat(run("version").out()).startsWith(Version.SERVER + " (Java ");
    assertThat(run("--version").out()).startsWith(Version.SERVER);
    assertThat(run("version", "extra").status()).isEqualTo(2);
  }

  @Test
  void genconfigWritesAValidConfigWithFreshSecretsReadableByItsOwnerOnly() throws Exception {
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    assertThat(run("genconfig", a.toString()).status()).isZero();
    assertThat(run("genconfig", b.toString()).status()).isZero();
    BrokerConfig ca = ConfigLoader.load(a);
    BrokerConfig cb = ConfigLoader.load(b);
    assertThat(ca.tokenHmacSecretKey()).hasSizeGreaterThanOrEqualTo(40).isNotEqualTo(cb.tokenHmacSecretKey());
    assertThat(ca.apiKey()).hasSizeGreaterThanOrEqualTo(30).isNotEqualTo(cb.apiKey()).isNotEqualTo(ca.tokenHmacSecretKey());
    assertThat(ca.namespace("chat").forceRecovery()).isTrue();
    assertThat(ca.namespace("personal").allowUserLimitedChannels()).isTrue();
    String text = Files.readString(a);
    // The admin page's password is generated where this build has the admin page's keys.
    assertThat(text.contains("\"admin_password\"")).isEqualTo(ConfigLoader.isTopLevelKey("admin_password"));
    assertThat(Files.getPosixFilePermissions(a)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void genconfigNeverOverwrites() throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "mine");
    Run r = run("genconfig", f.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains(f + " already exists; not overwriting it");
    assertThat(Files.readString(f)).isEqualTo("mine");
  }

  @Test
  void checkconfigValidatesAsStartupDoesIncludingTheEnvironment() throws Exception {
    Path ok = config("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\",\"namespaces\":[{\"name\":\"chat\"}]}");
    Run valid = run("checkconfig", ok.toString());
    assertThat(valid.status()).isZero();
    assertThat(valid.out()).contains(ok + " is valid: engine memory, history memory, port 8000, 1 namespace (chat)");

    Run typo = run("checkconfig", config("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\",\"histroy_size\":1}").toString());
    assertThat(typo.status()).isEqualTo(1);
    assertThat(typo.err()).contains("is invalid: histroy_size: unknown key");

    Run overridden = run(Map.of("REBOUND_PORT", "9100"), "checkconfig", ok.toString());
    assertThat(overridden.out()).contains("with REBOUND_PORT is valid", "port 9100");
    Run badVar = run(Map.of("REBOUND_PORTT", "9100"), "checkconfig", ok.toString());
    assertThat(badVar.status()).isEqualTo(1);
    assertThat(badVar.err()).contains("REBOUND_PORTT: unknown environment variable", "did you mean REBOUND_PORT?");
    assertThat(run(Map.of("REBOUND_CONFIG", ok.toString()), "checkconfig").status()).isZero();
    assertThat(run("checkconfig").status()).isEqualTo(2);
    assertThat(run("checkconfig", dir.resolve("missing.json").toString()).err()).contains("cannot read config file");
  }

  @Test
  void gentokenSignsWithTheConfiguredSecret() throws Exception {
    Run r = run("gentoken", "--user", "alice", "--ttl", "1h", "--channels", "chat:a, personal:#alice", "--info", "{\"name\":\"Alice\"}",
        "--config", secretConfig().toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out().trim()).as("stdout is the token alone").doesNotContain(" ", "\n").contains(".");
    ConnectClaims c = new JwtVerifier(SECRET).verifyConnect(r.out().trim(), NOW);
    assertThat(c.user()).isEqualTo("alice");
    assertThat(c.expiresAt()).isEqualTo(NOW + 3600);
    assertThat(c.channels()).containsExactly("chat:a", "personal:#alice");
    assertThat(c.info()).isEqualTo("{\"name\":\"Alice\"}");
    assertThat(r.err()).contains("connection token for user \"alice\"", "(in 1h 0m)", "server-side subscriptions [chat:a, personal:#alice]");
  }

  @Test
  void gentokenDefaultsToTheEmbeddedConfigAndTheEnvironment() throws Exception {
    String dev = run("gentoken", "--user", "bob").out().trim();
    assertThat(new JwtVerifier(BrokerConfig.DEV_SECRET).verifyConnect(dev, NOW).expiresAt()).isEqualTo(NOW + 24 * 3600);
    String fromEnv = run(Map.of("REBOUND_TOKEN_HMAC_SECRET_KEY", "env-secret"), "gentoken", "--user", "bob", "--ttl", "0").out().trim();
    assertThat(new JwtVerifier("env-secret").verifyConnect(fromEnv, NOW).expiresAt()).as("--ttl 0: no exp").isZero();
    String fromFile = run(Map.of("REBOUND_CONFIG", secretConfig().toString()), "gentoken", "--user", "bob").out().trim();
    assertThat(new JwtVerifier(SECRET).verifyConnect(fromFile, NOW).user()).isEqualTo("bob");
  }

  @Test
  void gentokenRefusesBadArguments() throws Exception {
    assertThat(run("gentoken").err()).contains("--user is required");
    assertThat(run("gentoken", "--user", "a", "--ttl", "1 hour").err()).contains("--ttl: \"1 hour\" is not a duration");
    assertThat(run("gentoken", "--user", "a", "--info", "{oops").err()).contains("--info is not JSON");
    assertThat(run("gentoken", "--user", "a", "--nope", "1").err()).contains("unknown option --nope");
    assertThat(run("gentoken", "--user", "a", "--user", "b").status()).isEqualTo(2);
    Run noSecret = run("gentoken", "--user", "a", "--config",
        config("{\"api_key\":\"k\",\"allow_anonymous_connect_without_token\":true}").toString());
    assertThat(noSecret.status()).isEqualTo(1);
    assertThat(noSecret.err()).contains("has no token_hmac_secret_key");
  }

  @Test
  void gensubtokenSignsASubscriptionToken() throws Exception {
    Run r = run("gensubtoken", "--user", "alice", "--channel", "$private:room", "--client", "c-1", "--config", secretConfig().toString());
    assertThat(r.status()).as(r.err()).isZero();
    SubscribeClaims c = new JwtVerifier(SECRET).verifySubscribe(r.out().trim(), NOW);
    assertThat(c.user()).isEqualTo("alice");
    assertThat(c.channel()).isEqualTo("$private:room");
    assertThat(c.client()).isEqualTo("c-1");
    assertThat(c.expiresAt()).isEqualTo(NOW + 24 * 3600);
    assertThat(run("gensubtoken", "--user", "alice").err()).contains("--channel is required");
  }

  @Test
  void checktokenSaysWhatAValidTokenGrants() throws Exception {
    String config = secretConfig().toString();
    String token = run("gentoken", "--user", "alice", "--channels", "chat:a", "--info", "{\"n\":1}", "--config", config).out().trim();
    Run r = run("checktoken", token, "--config", config);
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("valid connection token (HS256)", "user:     alice", "(in 1d 0h)", "channels: chat:a", "info:     {\"n\":1}");
    String sub = run("gensubtoken", "--user", "alice", "--channel", "chat:x", "--config", config).out().trim();
    assertThat(run("checktoken", sub, "--config", config).out()).contains("valid subscription token", "channel:  chat:x");
    String forever = run("gentoken", "--user", "", "--ttl", "0", "--config", config).out().trim();
    assertThat(run("checktoken", forever, "--config", config).out()).contains("\"\" (anonymous)", "expires:  never");
  }

  @Test
  void checktokenExplainsAnExpiredToken() throws Exception {
    String expired = new JwtSigner(SECRET).sign(Map.of("sub", "alice", "exp", NOW - 303));
    Run r = run("checktoken", expired, "--config", secretConfig().toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains("invalid connection token: expired " + Instant.ofEpochSecond(NOW - 303) + " (5m 3s ago)", "error 109",
        "claims (signature valid): {", "\"sub\":\"alice\"");
  }

  @Test
  void checktokenExplainsAWrongSignature() throws Exception {
    String other = new JwtSigner("another-secret").sign(Map.of("sub", "mallory", "exp", NOW + 60));
    Path config = secretConfig();
    Run r = run("checktoken", other, "--config", config.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains("invalid connection token: wrong signature: it was not signed with the token_hmac_secret_key of " + config,
        "3500", "claims (NOT verified): {");
  }

  @Test
  void checktokenExplainsOtherRefusals() throws Exception {
    String config = secretConfig().toString();
    assertThat(run("checktoken", "not-a-jwt", "--config", config).out()).contains("invalid token: a JWT has 3 segments");
    String early = new JwtSigner(SECRET).sign(Map.of("sub", "a", "nbf", NOW + 120));
    assertThat(run("checktoken", early, "--config", config).out()).contains("not valid before", "(in 2m 0s) (nbf claim)");
    assertThat(run("checktoken").status()).isEqualTo(2);
  }

  @Test
  void serveArgumentsPortWinsOverEnvironmentWhichWinsOverTheFile() throws Exception {
    Path file = config("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"file-key\",\"port\":8100}");
    assertThat(ServeArguments.parse(List.of("--config", file.toString()), Map.of()).resolve().port()).isEqualTo(8100);
    Map<String, String> env = Map.of("REBOUND_PORT", "8200", "REBOUND_API_KEY", "env-key");
    BrokerConfig fromEnv = ServeArguments.parse(List.of("--config", file.toString()), env).resolve();
    assertThat(fromEnv.port()).isEqualTo(8200);
    assertThat(fromEnv.apiKey()).isEqualTo("env-key");
    assertThat(ServeArguments.parse(List.of("--config", file.toString(), "--port", "8300"), env).resolve().port()).isEqualTo(8300);
  }

  @Test
  void serveArgumentsFindTheConfig() throws Exception {
    Path file = config("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"file-key\"}");
    Path other = config("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"other-key\"}");
    ServeArguments none = ServeArguments.parse(List.of(), Map.of());
    assertThat(none.embeddedDefault()).isTrue();
    assertThat(none.resolve().apiKey()).isEqualTo(BrokerConfig.DEV_API_KEY);
    assertThat(ServeArguments.parse(List.of(), Map.of("REBOUND_CONFIG", file.toString())).resolve().apiKey()).isEqualTo("file-key");
    assertThat(ServeArguments.parse(List.of("--config", other.toString()), Map.of("REBOUND_CONFIG", file.toString())).resolve().apiKey())
        .as("--config wins over REBOUND_CONFIG").isEqualTo("other-key");
    assertThat(ServeArguments.parse(List.of("--gentoken", "alice", "--config", file.toString()), Map.of()).gentokenArguments())
        .containsExactly("gentoken", "--user", "alice", "--ttl", "24h", "--config", file.toString());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServeArguments.parse(List.of("--porrt", "1"), Map.of()))
        .isInstanceOf(UsageException.class).hasMessageContaining("unknown argument --porrt");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServeArguments.parse(List.of("--port", "x"), Map.of()))
        .isInstanceOf(UsageException.class).hasMessageContaining("--port needs a number");
  }
}
