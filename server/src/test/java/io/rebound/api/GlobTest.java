package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      *             | anything          | true
      *             | ''                | true
      chat:*        | chat:index        | true
      chat:*        | chat:             | true
      chat:*        | news:chat:x       | false
      *:index       | chat:index        | true
      *:index       | chat:index2       | false
      ch?t:*        | chat:1            | true
      ch?t:*        | cht:1             | false
      a*b*c         | abc               | true
      a*b*c         | a-b-b-c           | true
      a*b*c         | a-b-b-cd          | false
      **a**         | xyzaxyz           | true
      ?             | ''                | false
      ?             | 日                | true
      ?             | 😀                | true
      ??            | 😀                | false
      日本*         | 日本語:chat       | true
      exact         | exact             | true
      exact         | exactly           | false
      'a.b'         | axb               | false
      '[ab]'        | '[ab]'            | true
      '[ab]'        | a                 | false
      """)
  void matchesTheWholeName(String pattern, String name, boolean expected) {
    assertThat(Glob.compile(pattern).matches(name)).isEqualTo(expected);
  }

  @Test
  void longPatternsWork() {
    String name = "x".repeat(200) + "y";
    assertThat(Glob.compile("*" + "x".repeat(200) + "?").matches(name)).isTrue();
    assertThat(Glob.compile("?".repeat(201)).matches(name)).isTrue();
    assertThat(Glob.compile("?".repeat(202)).matches(name)).isFalse();
  }

  @Test
  void backtrackingPatternsCostLinearTime() {
    // As a regex (.*a.*a...) each of these takes longer than the age of the universe on this name.
    String name = "a".repeat(255);
    Glob glob = Glob.compile("*a".repeat(40) + "*b");
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      for (int i = 0; i < 10_000; i++) assertThat(glob.matches(name)).isFalse();
    });
  }

  @Test
  void patternsAreCapped() {
    assertThatThrownBy(() -> Glob.compile("*".repeat(Glob.MAX_LENGTH + 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(Glob.compile("*".repeat(Glob.MAX_LENGTH)).matches("anything")).isTrue();
  }
}
