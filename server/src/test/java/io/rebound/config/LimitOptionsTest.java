package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LimitOptionsTest {

  private static BrokerConfig parse(String extra) {
    return ConfigLoader.parse("{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  @Test
  void defaultsDeriveFromTheHeapAndTheClientQueue() {
    LimitOptions limits = parse("").limits();
    assertThat(limits.historyMemoryLimit()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(limits.publicationSizeLimit()).isEqualTo(ClientOptions.DEFAULT_QUEUE_MAX_SIZE / 2);
    assertThat(limits.apiBatchMaxSize()).isEqualTo(10_000);
    // a smaller queue lowers the default publication cap with it
    assertThat(parse("\"client_queue_max_size\": 65536").limits().publicationSizeLimit()).isEqualTo(32768);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', textBlock = """
      67108864     | 67108864
      "64MiB"      | 67108864
      "64MB"       | 64000000
      "512KiB"     | 524288
      "1GiB"       | 1073741824
      "2 GB"       | 2000000000
      "1000"       | 1000
      "1000B"      | 1000
      """)
  void historyMemoryLimitTakesBytesOrAUnit(String json, long bytes) {
    assertThat(parse("\"history_memory_limit\": " + json).limits().historyMemoryLimit()).isEqualTo(bytes);
  }

  @Test
  void everyOptionIsRead() {
    LimitOptions limits = parse("\"history_memory_limit\": \"1MiB\", \"publication_size_limit\": \"4KiB\", \"api_batch_max_size\": 5, "
        + "\"client_publish_rate\": 7, \"client_publish_burst\": 3, \"client_commands_in_flight\": 9").limits();
    assertThat(limits).isEqualTo(new LimitOptions(1 << 20, 4096, 5, 7, 3, 9));
  }

  @Test
  void perConnectionLimitsAreOnByDefaultAndZeroTurnsThemOff() {
    LimitOptions defaults = parse("\"port\": 8000").limits();
    assertThat(defaults.clientPublishRate()).isEqualTo(LimitOptions.DEFAULT_CLIENT_PUBLISH_RATE);
    assertThat(defaults.clientPublishBurst()).isEqualTo(LimitOptions.DEFAULT_CLIENT_PUBLISH_BURST);
    assertThat(defaults.clientCommandsInFlight()).isEqualTo(LimitOptions.DEFAULT_CLIENT_COMMANDS_IN_FLIGHT);
    LimitOptions off = parse("\"client_publish_rate\": 0, \"client_publish_burst\": 0, \"client_commands_in_flight\": 0").limits();
    assertThat(off.clientPublishRate()).isZero();
    assertThat(off.clientCommandsInFlight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"history_memory_limit\": 0", "\"history_memory_limit\": \"64 lots\"", "\"history_memory_limit\": -5",
      "\"history_memory_limit\": 1.5", "\"history_memory_limit\": \"99999999999999999999GiB\"", "\"publication_size_limit\": 0",
      "\"publication_size_limit\": \"3GiB\"", "\"api_batch_max_size\": 0", "\"client_publish_rate\": -1",
      "\"client_publish_burst\": 0", "\"client_commands_in_flight\": -1"})
  void badValuesNameTheirKey(String member) {
    String key = member.substring(1, member.indexOf('"', 1));
    assertThatThrownBy(() -> parse(member)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }

  @Test
  void aPublicationNoSubscriberCouldReceiveIsAConfigError() {
    assertThatThrownBy(() -> parse("\"client_queue_max_size\": 65536, \"publication_size_limit\": 65536"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("publication_size_limit: must be below client_queue_max_size (65536)");
    assertThat(parse("\"client_queue_max_size\": 65536, \"publication_size_limit\": 65535").limits().publicationSizeLimit()).isEqualTo(65535);
  }
}
