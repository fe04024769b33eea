package io.rebound.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "é", "日本語", "😀", "a😀b€", "\u0000\u007f\u0080"})
  void lengthIsTheEncodedLength(String s) {
    assertThat(Utf8.length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void truncateKeepsWhatFitsAndNeverSplitsACodePoint() {
    assertThat(Utf8.truncate("hello", 123)).isSameAs("hello");
    assertThat(Utf8.truncate("hello", 3)).isEqualTo("hel");
    // é is 2 bytes: a limit that ends inside it drops it whole
    assertThat(Utf8.truncate("aé", 2)).isEqualTo("a");
    assertThat(Utf8.truncate("aé", 3)).isEqualTo("aé");
    // 😀 is a surrogate pair, 4 bytes: never half of it
    assertThat(Utf8.truncate("a😀", 4)).isEqualTo("a");
    assertThat(Utf8.truncate("a😀", 5)).isEqualTo("a😀");
    assertThat(Utf8.truncate("€€", 5)).isEqualTo("€");
    assertThat(Utf8.truncate("x", 0)).isEmpty();
  }

  @Test
  void aLongMultiByteReasonIsCutTo123BytesAtABoundary() {
    String reason = "日".repeat(100); // 300 bytes
    String cut = Utf8.truncate(reason, 123);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isEqualTo(123); // 41 characters of 3 bytes
    assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(cut);
    String emoji = Utf8.truncate("😀".repeat(40), 123); // 4-byte code points: 30 fit (120 bytes)
    assertThat(emoji.codePointCount(0, emoji.length())).isEqualTo(30);
  }
}
