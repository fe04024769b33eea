package io.rebound.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reconnect and resubscribe rules at their boundaries (PROTOCOL.md §4.3, §5.2). */
class ProtocolFactsTest {

  @ParameterizedTest(name = "close {0} → reconnect {1}")
  @CsvSource({"1000,true", "1009,true", "3000,true", "3012,true", "3499,true", "3500,false", "3501,false", "3999,false",
      "4000,true", "4499,true", "4500,false", "4999,false", "5000,true"})
  void reconnectRule(int code, boolean reconnect) {
    assertThat(Disconnect.reconnect(code)).isEqualTo(reconnect);
    assertThat(new Disconnect(code, "x").reconnect()).isEqualTo(reconnect);
  }

  @ParameterizedTest(name = "unsubscribe {0} → resubscribe {1}")
  @CsvSource({"2000,false", "2499,false", "2500,true", "2501,true", "2502,true"})
  void resubscribeRule(int code, boolean resubscribe) {
    assertThat(UnsubscribeCode.resubscribe(code)).isEqualTo(resubscribe);
  }

  @ParameterizedTest(name = "error {0}")
  @CsvSource({"100,true", "109,false", "111,true", "112,false"})
  void temporaryErrors(int code, boolean temporary) {
    assertThat(ErrorCode.ofCode(code).code).isEqualTo(code);
    assertThat(ErrorCode.ofCode(code).temporary).isEqualTo(temporary);
  }
}
