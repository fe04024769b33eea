package io.rebound.config;

import io.rebound.testing.RepoFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.core.StreamOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  /** The smallest config that passes validation, with {@code extra} top-level JSON members added. */
  private static String minimal(String extra) {
    return "{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  private static void assertRejected(String json, String key, String messagePart) {
    assertThatThrownBy(() -> ConfigLoader.parse(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  // Package-private: EnvOverridesTest moves each of its keys into the environment.
  static final String FULL = """
      {
        "port": 9001,
        "name": "node-a",
        "token_hmac_secret_key": "secret",
        "api_key": "api",
        "api_insecure": true,
        "engine": "hazelcast",
        "history_engine": "redis",
        "redis_address": "rediss://redis.example:6380",
        "redis_connect_timeout": "2s",
        "redis_command_timeout": "500ms",
        "redis_pool_size": 4,
        "client_ping_interval": "20s",
        "client_pong_timeout": "5s",
        "client_stale_close_delay": "15s",
        "client_expired_close_delay": "30s",
        "client_queue_max_size": 2048,
        "client_channel_limit": 64,
        "client_connection_limit": 1000,
        "client_user_connection_limit": 5,
        "client_recovery_max_publication_limit": 200,
        "client_history_max_publication_limit": 100,
        "websocket_message_size_limit": 4096,
        "allow_anonymous_connect_without_token": true,
        "client_write_delay": "7ms",
        "client_resume_window": "45s",
        "client_resume_buffer_size": 300,
        "history_size": 10,
        "history_ttl": "1h30m",
        "history_meta_ttl": "2h",
        "force_recovery": true,
        "allow_recovery": true,
        "force_positioning": true,
        "allow_positioning": true,
        "allow_subscribe_for_client": true,
        "allow_subscribe_for_anonymous": true,
        "allow_publish_for_client": true,
        "allow_publish_for_subscriber": true,
        "allow_publish_for_anonymous": true,
        "allow_history_for_client": true,
        "allow_history_for_subscriber": true,
        "allow_history_for_anonymous": true,
        "allow_presence_for_client": true,
        "allow_presence_for_subscriber": true,
        "allow_presence_for_anonymous": true,
        "allow_user_limited_channels": true,
        "presence": true,
        "join_leave": true,
        "force_push_join_leave": true,
        "channel_regex": "^[a-z]+$",
        "user_sync": true,
        "sync_batch_size": 25,
        "sync_interval": "1s",
        "websocket_disable": true,
        "http_stream": false,
        "sse": false,
        "uni_websocket": true,
        "uni_sse": true,
        "uni_http_stream": true,
        "http_stream_max_request_body_size": 1001,
        "sse_max_request_body_size": 1002,
        "emulation_max_request_body_size": "2KiB",
        "uni_websocket_message_size_limit": 1004,
        "uni_sse_max_request_body_size": 1005,
        "uni_http_stream_max_request_body_size": 1006,
        "namespaces": [
          {"name": "chat", "history_size": 100, "history_ttl": 600, "force_recovery": true},
          {"name": "feed.v2", "allow_subscribe_for_client": true}
        ]
      }
      """;

  @Test
  void fullConfigSetsEveryKey() {
    BrokerConfig c = ConfigLoader.parse(FULL);

    assertThat(c.port()).isEqualTo(9001);
    assertThat(c.name()).isEqualTo("node-a");
    assertThat(c.tokenHmacSecretKey()).isEqualTo("secret");
    assertThat(c.apiKey()).isEqualTo("api");
    assertThat(c.apiInsecure()).isTrue();
    assertThat(c.engine()).isEqualTo(Engine.HAZELCAST);
    assertThat(c.historyEngine()).isEqualTo(Engine.REDIS);
    assertThat(c.redis()).isEqualTo(new RedisOptions("rediss://redis.example:6380",
        Duration.ofSeconds(2), Duration.ofMillis(500), 4));
    assertThat(c.client()).isEqualTo(new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(5),
        Duration.ofSeconds(15), Duration.ofSeconds(30), 2048, 64, 1000, 5, 200, 100, 4096, true, Duration.ofMillis(7),
        Duration.ofSeconds(45), 300));
    // Every channel option is set to a non-default value, so a key read into the wrong field or not
    // read at all shows up here.
    assertThat(c.defaults()).isEqualTo(new ChannelOptions(10, Duration.ofMinutes(90), Duration.ofHours(2),
        true, true, true, true, true, true, true, true, true, true, true, true, true, true, true,
        true, true, true, true, "^[a-z]+$", true, 25, Duration.ofSeconds(1), false, false, false));
    assertThat(c.defaults().streamOptions()).isEqualTo(new StreamOptions(10, Duration.ofMinutes(90), Duration.ofHours(2)));
    assertThat(c.namespaces()).containsOnlyKeys("chat", "feed.v2");
    assertThat(c.namespace("chat").historyTtl()).isEqualTo(Duration.ofSeconds(600));
    assertThat(c.namespace("chat").historyEnabled()).isTrue();
    assertThat(c.namespace("feed.v2").historyEnabled()).isFalse();
    assertThat(c.namespace("feed.v2").allowSubscribeForClient()).isTrue();
    assertThat(c.namespace("nope")).isNull();
    assertThat(c.transports()).isEqualTo(new TransportOptions(false, false, false, true, true, true, 1001, 1002, 2048, 1004, 1005, 1006));
  }

  @Test
  void transportsDefaultToWebSocketAndTheEmulationPair() {
    TransportOptions t = ConfigLoader.parse(minimal("")).transports();
    assertThat(t).isEqualTo(TransportOptions.DEFAULTS);
    assertThat(t.websocket()).isTrue();
    assertThat(t.httpStream()).isTrue();
    assertThat(t.sse()).isTrue();
    assertThat(t.emulation()).isTrue();
    assertThat(t.uniWebsocket() || t.uniSse() || t.uniHttpStream()).isFalse();
    assertThat(ConfigLoader.parse(minimal("\"http_stream\":false,\"sse\":false")).transports().emulation()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.parse(minimal("\"emulation_max_request_body_size\":0")))
        .hasMessageContaining("emulation_max_request_body_size");
    assertThatThrownBy(() -> ConfigLoader.parse(minimal("\"uni_sse\":\"yes\"")))
        .hasMessageContaining("uni_sse");
  }

  @Test
  void omittedKeysTakeDefaults() {
    BrokerConfig c = ConfigLoader.parse(minimal(""));

    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.name()).matches("rebound-[0-9a-f]{6}");
    assertThat(c.engine()).isEqualTo(Engine.MEMORY);
    assertThat(c.historyEngine()).isEqualTo(Engine.MEMORY);
    assertThat(c.redis()).isEqualTo(RedisOptions.DEFAULTS);
    assertThat(c.client()).isEqualTo(ClientOptions.DEFAULTS);
    assertThat(c.defaults()).isEqualTo(ChannelOptions.DEFAULTS);
    assertThat(c.namespaces()).isEmpty();
  }

  @Test
  void historyEngineDefaultsToEngine() {
    assertThat(ConfigLoader.parse(minimal("\"engine\":\"redis\"")).historyEngine()).isEqualTo(Engine.REDIS);
    assertThat(ConfigLoader.parse(minimal("\"engine\":\"hazelcast\"")).historyEngine()).isEqualTo(Engine.HAZELCAST);
  }

  @Test
  void exampleFileParses() throws Exception {
    BrokerConfig c = ConfigLoader.load(RepoFiles.path("config.example.json"));

    ChannelOptions chat = c.namespace("chat");
    assertThat(chat.streamOptions()).isEqualTo(StreamOptions.of(100, Duration.ofSeconds(600)));
    assertThat(chat.forceRecovery()).isTrue();
    assertThat(chat.joinLeave()).isTrue();
    assertThat(chat.presence()).isTrue();
    assertThat(chat.allowSubscribeForClient()).isTrue();
    assertThat(chat.allowPublishForClient()).isTrue();
    assertThat(chat.allowHistoryForClient()).isTrue();
    assertThat(chat.allowPresenceForClient()).isTrue();
    ChannelOptions personal = c.namespace("personal");
    assertThat(personal.historyEnabled()).isTrue();
    assertThat(personal.forceRecovery()).isTrue();
    assertThat(personal.allowUserLimitedChannels()).isTrue();
    assertThat(personal.allowSubscribeForClient()).isTrue();
    assertThat(personal.allowPublishForClient()).isFalse();
  }

  @Test
  void shippedConfigFilesParse() {
    // Every config file in the repo is documentation; a stale one must fail the build.
    assertThat(ConfigLoader.load(RepoFiles.path("cluster-config.json")).engine()).isEqualTo(Engine.HAZELCAST);
    assertThat(ConfigLoader.load(RepoFiles.path("loadtest", "bench-config.json")).namespace("personal")).isNotNull();
  }

  @Test
  void defaultConfigIsValidAndUsesDevCredentials() {
    BrokerConfig c = BrokerConfig.defaultConfig();

    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.engine()).isEqualTo(Engine.MEMORY);
    assertThat(c.tokenHmacSecretKey()).isEqualTo("rebound-dev-secret");
    assertThat(c.apiKey()).isEqualTo("rebound-dev-api-key");
    // The quick start must work out of the box: recoverable channels a client may subscribe to.
    assertThat(c.defaults().historyEnabled()).isTrue();
    assertThat(c.defaults().forceRecovery()).isTrue();
    assertThat(c.defaults().allowSubscribeForClient()).isTrue();
    assertThat(c.namespace("chat").allowPublishForClient()).isTrue();
    assertThat(c.namespace("personal").allowUserLimitedChannels()).isTrue();
    assertThat(c.withPort(8001).port()).isEqualTo(8001);
    assertThat(c.withPort(8001).name()).isEqualTo(c.name());
    assertThatThrownBy(() -> c.withPort(0)).isInstanceOf(ConfigException.class).hasMessageContaining("port");
  }

  @Test
  void loadReadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, minimal("\"port\":8123"));
    assertThat(ConfigLoader.load(file).port()).isEqualTo(8123);
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.json")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.json");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"250ms\"  | PT0.25S",
      "\"600s\"   | PT10M",
      "\"10m\"    | PT10M",
      "\"1h\"     | PT1H",
      "\"1h30m\"  | PT1H30M",
      "\"2m500ms\"| PT2M0.5S",
      "\"0\"      | PT0S",
      "600        | PT10M",
      "0          | PT0S"})
  void durationsInEveryAcceptedForm(String json, String expected) {
    BrokerConfig c = ConfigLoader.parse(minimal("\"client_stale_close_delay\":" + json));
    assertThat(c.client().staleCloseDelay()).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"\"10x\"", "\"10\"", "\"-5s\"", "\"1.5h\"", "\"\"", "-5", "1.5", "\"s\""})
  void malformedDurationsNameTheKey(String json) {
    assertRejected(minimal("\"history_ttl\":" + json), "history_ttl", "is not a duration (use e.g. \"600s\"");
  }

  @Test
  void durationOfWrongTypeIsRejected() {
    assertRejected(minimal("\"history_ttl\":true"), "history_ttl", "expected a duration string or a number of seconds, got boolean");
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    assertRejected(minimal("\"histroy_size\":10"), "histroy_size", "histroy_size: unknown key");
  }

  @Test
  void unknownNamespaceKeyIsNamedWithItsPath() {
    // The typo must be reported as the typo, not as "recovery needs history" caused by it.
    String json = minimal("\"namespaces\":[{\"name\":\"ok\"},"
        + "{\"name\":\"chat\",\"history_size\":10,\"history_tll\":\"60s\",\"force_recovery\":true}]");
    assertRejected(json, "namespaces[1].history_tll", "namespaces[1].history_tll: unknown key");
  }

  @Test
  void namespaceKeysAreNotAcceptedInsideNamespaces() {
    assertRejected(minimal("\"namespaces\":[{\"name\":\"ab\",\"port\":1}]"), "namespaces[0].port", "unknown key");
  }

  @Test
  void wrongTypesAreRejected() {
    assertRejected(minimal("\"port\":\"8000\""), "port", "port: expected an integer, got string \"8000\"");
    assertRejected(minimal("\"presence\":\"yes\""), "presence", "expected a boolean");
    assertRejected(minimal("\"history_size\":1.5"), "history_size", "expected an integer");
    assertRejected(minimal("\"channel_regex\":5"), "channel_regex", "expected a string");
    assertRejected(minimal("\"presence\":null"), "presence", "null is not allowed");
    assertRejected(minimal("\"namespaces\":{}"), "namespaces", "expected an array");
    assertRejected(minimal("\"namespaces\":[42]"), "namespaces[0]", "expected an object");
    assertRejected("[]", "", "expected an object");
  }

  @Test
  void malformedJsonReportsTheLocation() {
    assertThatThrownBy(() -> ConfigLoader.parse("{\n  \"port\": 80,\n  oops\n}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("malformed JSON at line 3");
    assertThatThrownBy(() -> ConfigLoader.parse("")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ConfigLoader.parse(minimal("") + "{}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("malformed JSON");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> ConfigLoader.parse(minimal("\"force_recovery\":true,\"force_recovery\":false")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("force_recovery");
  }

  @Test
  void namespaceNamesMustBeValidUniqueAndPresent() {
    assertRejected(minimal("\"namespaces\":[{\"name\":\"a\"}]"), "namespaces[0].name", "not a valid namespace name");
    assertRejected(minimal("\"namespaces\":[{\"name\":\"a b\"}]"), "namespaces[0].name", "not a valid namespace name");
    assertRejected(minimal("\"namespaces\":[{\"name\":\"chat\"},{\"name\":\"chat\"}]"), "namespaces[1].name", "duplicate namespace \"chat\"");
    assertRejected(minimal("\"namespaces\":[{\"presence\":true}]"), "namespaces[0].name", "is required");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "force_recovery    | \"history_size\":10",
      "allow_recovery    | \"history_ttl\":\"60s\"",
      "force_positioning | \"history_size\":0,\"history_ttl\":\"60s\""})
  void recoveryWithoutHistoryIsRejected(String flag, String history) {
    assertRejected(minimal(history + ",\"" + flag + "\":true"), flag, "recovery needs history_size > 0 and history_ttl > 0");
    assertRejected(minimal("\"namespaces\":[{\"name\":\"chat\"," + history + ",\"" + flag + "\":true}]"),
        "namespaces[0]." + flag, "namespaces[0]." + flag + ": recovery needs history_size > 0 and history_ttl > 0");
  }

  @Test
  void historyMetaTtlShorterThanTtlIsRejected() {
    assertRejected(minimal("\"history_size\":1,\"history_ttl\":\"10m\",\"history_meta_ttl\":\"5m\""),
        "history_meta_ttl", "must be >= history_ttl");
    BrokerConfig same = ConfigLoader.parse(minimal("\"history_size\":1,\"history_ttl\":\"10m\""));
    assertThat(same.defaults().streamOptions().metaTtl()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void negativeHistorySizeIsRejected() {
    assertRejected(minimal("\"history_size\":-1"), "history_size", "must be >= 0");
  }

  @Test
  void invalidChannelRegexIsRejected() {
    assertRejected(minimal("\"namespaces\":[{\"name\":\"ab\",\"channel_regex\":\"[\"}]"),
        "namespaces[0].channel_regex", "invalid regex");
  }

  @Test
  void secretIsRequiredUnlessAnonymousConnectsAreAllowed() {
    assertRejected("{\"api_key\":\"k\"}", "token_hmac_secret_key", "token_hmac_secret_key: is required");
    BrokerConfig anon = ConfigLoader.parse("{\"api_key\":\"k\",\"allow_anonymous_connect_without_token\":true}");
    assertThat(anon.tokenHmacSecretKey()).isEmpty();
  }

  @Test
  void apiKeyIsRequiredUnlessInsecure() {
    assertRejected("{\"token_hmac_secret_key\":\"s\"}", "api_key", "api_key is required (or set api_insecure: true)");
    assertThat(ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_insecure\":true}").apiInsecure()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"memory,hazelcast", "memory,redis", "hazelcast,memory", "hazelcast,redis", "redis,memory"})
  void incompatibleHistoryEngineIsRejected(String history, String engine) {
    assertRejected(minimal("\"engine\":\"" + engine + "\",\"history_engine\":\"" + history + "\""),
        "history_engine", "history_engine:");
  }

  @ParameterizedTest
  @CsvSource({"redis,hazelcast", "redis,redis", "hazelcast,hazelcast", "memory,memory"})
  void compatibleHistoryEngineIsAccepted(String history, String engine) {
    BrokerConfig c = ConfigLoader.parse(minimal("\"engine\":\"" + engine + "\",\"history_engine\":\"" + history + "\""));
    assertThat(c.historyEngine()).isEqualTo(Engine.parse(history));
  }

  @Test
  void unknownEngineIsRejected() {
    assertRejected(minimal("\"engine\":\"Memory\""), "engine", "\"Memory\" is not one of memory, hazelcast, redis");
  }

  @Test
  void portMustBeInRange() {
    assertRejected(minimal("\"port\":0"), "port", "not in 1..65535");
    assertRejected(minimal("\"port\":65536"), "port", "not in 1..65535");
  }

  @Test
  void clientOptionsAreValidated() {
    assertRejected(minimal("\"client_ping_interval\":\"10s\",\"client_pong_timeout\":\"10s\""),
        "client_pong_timeout", "must be shorter than client_ping_interval");
    assertThat(ConfigLoader.parse(minimal("\"client_ping_interval\":0,\"client_pong_timeout\":\"30s\"")).client().pingInterval())
        .isZero();
    assertRejected(minimal("\"client_queue_max_size\":0"), "client_queue_max_size", "must be > 0");
    assertRejected(minimal("\"websocket_message_size_limit\":0"), "websocket_message_size_limit", "must be > 0");
    assertRejected(minimal("\"client_channel_limit\":-1"), "client_channel_limit", "must be >= 0");
  }

  @Test
  void redisOptionsAreValidated() {
    assertRejected(minimal("\"redis_address\":\"127.0.0.1:6379\""), "redis_address", "must start with redis:// or rediss://");
    assertRejected(minimal("\"redis_pool_size\":0"), "redis_pool_size", "must be > 0");
    assertRejected(minimal("\"redis_command_timeout\":0"), "redis_command_timeout", "must be > 0");
  }
}
