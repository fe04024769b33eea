package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code REBOUND_<KEY>} overrides: every key of the full config can come from its variable with the same result, every
 * value type is read the way a shell writes it, the environment wins over the file and the file over the defaults, and
 * a variable that names no key stops the node, naming the variable.
 */
class EnvOverridesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MINIMAL = "{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"}";

  /** What an operator would write in the environment for a file's value: strings as they are, the rest as JSON. */
  private static String shellText(JsonNode value) {
    return value.isTextual() ? value.textValue() : value.toString();
  }

  @Test
  void everyKeyOfTheFullConfigCanComeFromItsVariable() throws Exception {
    BrokerConfig expected = ConfigLoader.parse(ConfigLoaderTest.FULL);
    ObjectNode full = (ObjectNode) JSON.readTree(ConfigLoaderTest.FULL);
    int keys = 0;
    for (Iterator<String> it = full.fieldNames(); it.hasNext(); keys++) {
      String key = it.next();
      ObjectNode file = full.deepCopy();
      JsonNode value = file.remove(key);
      Map<String, String> env = Map.of(EnvOverrides.variableOf(key), shellText(value));
      assertThat(ConfigLoader.parse(file.toString(), env)).as("%s from %s", key, env).isEqualTo(expected);
    }
    assertThat(keys).isGreaterThan(50);
  }

  @Test
  void theWholeConfigCanComeFromTheEnvironment() throws Exception {
    ObjectNode full = (ObjectNode) JSON.readTree(ConfigLoaderTest.FULL);
    Map<String, String> env = new HashMap<>();
    full.fields().forEachRemaining(e -> env.put(EnvOverrides.variableOf(e.getKey()), shellText(e.getValue())));
    assertThat(ConfigLoader.parse("{}", env)).isEqualTo(ConfigLoader.parse(ConfigLoaderTest.FULL));
  }

  @Test
  void everyTopLevelKeyHasAVariable() {
    for (String key : ConfigLoader.topLevelKeys()) {
      String variable = EnvOverrides.variableOf(key);
      assertThat(variable).matches("REBOUND_[A-Z0-9_]+");
      assertThat(ConfigLoader.overrides(Map.of(variable, "x")).variables()).containsExactly(variable);
    }
  }

  @Test
  void environmentWinsOverTheFileWhichWinsOverTheDefaults() {
    String file = "{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\",\"history_size\":10,\"history_ttl\":\"60s\",\"client_channel_limit\":5}";
    BrokerConfig c = ConfigLoader.parse(file, Map.of("REBOUND_HISTORY_SIZE", "20"));
    assertThat(c.defaults().historySize()).as("env over file").isEqualTo(20);
    assertThat(c.defaults().historyTtl()).as("file, not overridden").isEqualTo(Duration.ofSeconds(60));
    assertThat(c.client().channelLimit()).as("file over default").isEqualTo(5);
    assertThat(c.client().queueMaxSize()).as("default").isEqualTo(ClientOptions.DEFAULT_QUEUE_MAX_SIZE);

    BrokerConfig dev = ConfigLoader.embeddedDefault(Map.of("REBOUND_API_KEY", "from-env", "REBOUND_PORT", "8100"));
    assertThat(dev.apiKey()).as("env over the embedded default").isEqualTo("from-env");
    assertThat(dev.port()).isEqualTo(8100);
    assertThat(dev.tokenHmacSecretKey()).isEqualTo(BrokerConfig.DEV_SECRET);
    assertThat(BrokerConfig.defaultConfig().apiKey()).as("no env, no change").isEqualTo(BrokerConfig.DEV_API_KEY);
  }

  @Test
  void loadAppliesTheEnvironmentToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, MINIMAL);
    assertThat(ConfigLoader.load(file, Map.of("REBOUND_NAME", "from-env")).name()).isEqualTo("from-env");
    assertThat(ConfigLoader.load(file).name()).startsWith("rebound-");
  }

  @Test
  void stringsAreTakenAsWritten() {
    BrokerConfig c = ConfigLoader.parse(MINIMAL, Map.of(
        "REBOUND_API_KEY", "123456",          // digits, still a string
        "REBOUND_NAME", "true",               // looks like a boolean
        "REBOUND_TOKEN_HMAC_SECRET_KEY", "\"quoted\" [x] {y}",
        "REBOUND_CHANNEL_REGEX", "[a-z]+",    // looks like a JSON list
        "REBOUND_ENGINE", "memory"));
    assertThat(c.apiKey()).isEqualTo("123456");
    assertThat(c.name()).isEqualTo("true");
    assertThat(c.tokenHmacSecretKey()).isEqualTo("\"quoted\" [x] {y}");
    assertThat(c.defaults().channelRegex()).isEqualTo("[a-z]+");
    assertThat(c.engine()).isEqualTo(Engine.MEMORY);
  }

  @Test
  void numbersBooleansAndDurationsAreReadAsInTheFile() {
    BrokerConfig c = ConfigLoader.parse(MINIMAL, Map.of(
        "REBOUND_CLIENT_CHANNEL_LIMIT", "64",
        "REBOUND_ALLOW_ANONYMOUS_CONNECT_WITHOUT_TOKEN", "true",
        "REBOUND_PRESENCE", "false",
        "REBOUND_CLIENT_PING_INTERVAL", "2m",
        "REBOUND_CLIENT_PONG_TIMEOUT", "1m", "REBOUND_CLIENT_EXPIRED_CLOSE_DELAY", "1h",
        "REBOUND_CLIENT_STALE_CLOSE_DELAY", "90",
        "REBOUND_CLIENT_WRITE_DELAY", "250ms"));
    assertThat(c.client().channelLimit()).isEqualTo(64);
    assertThat(c.client().allowAnonymousConnectWithoutToken()).isTrue();
    assertThat(c.defaults().presence()).isFalse();
    assertThat(c.client().pingInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.client().pongTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.client().expiredCloseDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(c.client().staleCloseDelay()).as("a bare number is seconds, as in the file").isEqualTo(Duration.ofSeconds(90));
    assertThat(c.client().writeDelay()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void namespacesAreAJsonListThatReplacesTheFilesList() {
    String file = "{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\",\"namespaces\":[{\"name\":\"old\"}]}";
    BrokerConfig c = ConfigLoader.parse(file, Map.of("REBOUND_NAMESPACES",
        "[{\"name\":\"chat\",\"history_size\":50,\"history_ttl\":\"300s\",\"force_recovery\":true},{\"name\":\"feed\",\"presence\":true}]"));
    assertThat(c.namespaces()).containsOnlyKeys("chat", "feed");
    assertThat(c.namespace("chat").historySize()).isEqualTo(50);
    assertThat(c.namespace("chat").forceRecovery()).isTrue();
    assertThat(c.namespace("feed").presence()).isTrue();
    assertThat(ConfigLoader.parse(file, Map.of("REBOUND_NAMESPACES", "[]")).namespaces()).isEmpty();
  }

  @Test
  void badValuesNameTheVariable() {
    assertRejected(Map.of("REBOUND_CLIENT_CHANNEL_LIMIT", "lots"), "REBOUND_CLIENT_CHANNEL_LIMIT (environment): client_channel_limit: expected an integer");
    assertRejected(Map.of("REBOUND_PRESENCE", "yes"), "REBOUND_PRESENCE (environment): presence: expected a boolean");
    assertRejected(Map.of("REBOUND_HISTORY_TTL", "10 minutes"), "REBOUND_HISTORY_TTL (environment): history_ttl: \"10 minutes\" is not a duration");
    assertRejected(Map.of("REBOUND_PORT", "0"), "REBOUND_PORT (environment): port: 0 is not in 1..65535");
    assertRejected(Map.of("REBOUND_NAMESPACES", "{\"name\":\"chat\"}"), "REBOUND_NAMESPACES (environment): namespaces: expected an array, got object");
    assertRejected(Map.of("REBOUND_NAMESPACES", "[{\"name\":\"chat\","), "REBOUND_NAMESPACES: malformed JSON");
    assertRejected(Map.of("REBOUND_NAMESPACES", "[{\"name\":\"chat\",\"history_tll\":\"1s\"}]"),
        "REBOUND_NAMESPACES (environment): namespaces[0].history_tll: unknown key");
    assertRejected(Map.of("REBOUND_HISTORY_SIZE", "{\"n\":1}"), "REBOUND_HISTORY_SIZE (environment): history_size: expected an integer, got object");
    assertRejected(Map.of("REBOUND_PRESENCE", "null"), "REBOUND_PRESENCE (environment): presence: null is not allowed");
  }

  @Test
  void validationThatFailsBecauseOfAVariableNamesIt() {
    assertRejected(Map.of("REBOUND_FORCE_RECOVERY", "true"), "REBOUND_FORCE_RECOVERY (environment): force_recovery: recovery needs history");
    assertRejected(Map.of("REBOUND_API_KEY", ""), "REBOUND_API_KEY (environment): api_key is required");
  }

  @Test
  void anUnknownVariableIsAnErrorThatNamesIt() {
    assertRejected(Map.of("REBOUND_FORCE_RECOVRY", "true"),
        "REBOUND_FORCE_RECOVRY: unknown environment variable: no config key \"force_recovry\"; did you mean REBOUND_FORCE_RECOVERY?");
    assertRejected(Map.of("REBOUND_NOT_A_KEY_AT_ALL", "1"), "REBOUND_NOT_A_KEY_AT_ALL: unknown environment variable");
    assertRejected(Map.of("REBOUND_history_size", "1"), "REBOUND_history_size: environment overrides are upper case: REBOUND_HISTORY_SIZE");
    assertThatThrownBy(() -> ConfigLoader.overrides(Map.of("REBOUND_PORTT", "1"))).hasMessageContaining("did you mean REBOUND_PORT?");
  }

  @Test
  void documentedNonConfigVariablesAndOtherVariablesAreIgnored() {
    Map<String, String> env = Map.of("REBOUND_CONFIG", "/etc/rebound/config.json", "HOME", "/root", "XREBOUND_PORT", "1", "PATH", "/bin");
    assertThat(ConfigLoader.overrides(env).variables()).isEmpty();
    String named = MINIMAL.replace("}", ",\"name\":\"n\"}");
    assertThat(ConfigLoader.parse(named, env)).isEqualTo(ConfigLoader.parse(named));
  }

  private static void assertRejected(Map<String, String> env, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL, env)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }
}
