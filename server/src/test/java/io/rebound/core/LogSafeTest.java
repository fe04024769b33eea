package io.rebound.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogSafeTest {

  @Test
  void plainValuesComeBackUnchangedWithoutACopy() {
    String channel = "chat:index#alice,bob";
    assertThat(LogSafe.value(channel)).isSameAs(channel);
    assertThat(LogSafe.value("日本語")).isEqualTo("日本語");
    assertThat(LogSafe.value(null)).isEqualTo("null");
    assertThat(LogSafe.value(42)).isEqualTo("42");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      'two words'      | '"two words"'
      'a=b'            | '"a=b"'
      ''               | '""'
      'say "hi"'       | '"say \\"hi\\""'
      'back\\slash'    | '"back\\\\slash"'
      """)
  void valuesThatWouldReadAsSeveralAreQuotedAndEscaped(String raw, String logged) {
    assertThat(LogSafe.value(raw)).isEqualTo(logged);
  }

  @Test
  void aValueCannotEndTheLineOrForgeAnother() {
    String forged = "chat:x\nINFO event=node_started node=evil\r\u0000\u001b[31m\u0085\u2028";
    String logged = LogSafe.value(forged);
    assertThat(logged).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u0085", "\u2028");
    assertThat(logged).isEqualTo("\"chat:x\\nINFO event=node_started node=evil\\r\\u0000\\u001b[31m\\u0085\\u2028\"");
    assertThat(logged.chars().noneMatch(Character::isISOControl)).isTrue();
  }

  @Test
  void longValuesAreCutAndSaySo() {
    String logged = LogSafe.value("a".repeat(10_000));
    assertThat(logged).hasSizeLessThan(LogSafe.MAX_CHARS + 40).endsWith("...(9744 more chars)\"");
    // a surrogate pair at the cut is dropped whole, never half-escaped
    String pairs = LogSafe.value("a".repeat(LogSafe.MAX_CHARS - 1) + "😀😀");
    assertThat(pairs).doesNotContain("\\ud83d").contains("...(4 more chars)");
  }
}
