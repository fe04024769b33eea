package io.rebound.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class ChannelNameTest {

  private static final BrokerConfig CONFIG = ConfigLoader.parse("""
      {
        "token_hmac_secret_key": "s", "api_key": "k",
        "presence": true,
        "namespaces": [
          {"name": "chat", "history_size": 10, "history_ttl": "60s", "join_leave": true},
          {"name": "personal", "allow_user_limited_channels": true},
          {"name": "orders", "channel_regex": "^[0-9]+$"}
        ]
      }
      """);

  private static int codeOf(String channel) {
    try {
      ChannelName.resolve(channel, CONFIG);
      throw new AssertionError("resolved " + channel);
    } catch (ChannelException e) {
      return e.code();
    }
  }

  @Test
  void channelWithoutNamespaceGetsTopLevelOptions() throws ChannelException {
    ChannelName n = ChannelName.resolve("news", CONFIG);

    assertThat(n.namespace()).isEmpty();
    assertThat(n.options()).isSameAs(CONFIG.defaults());
    assertThat(n.options().presence()).isTrue();
    assertThat(n.allowedUsers()).isNull();
  }

  @Test
  void namespaceIsTheTextBeforeTheFirstColon() throws ChannelException {
    ChannelName n = ChannelName.resolve("chat:room:42", CONFIG);

    assertThat(n.channel()).isEqualTo("chat:room:42");
    assertThat(n.namespace()).isEqualTo("chat");
    assertThat(n.options()).isSameAs(CONFIG.namespace("chat"));
    assertThat(n.options().joinLeave()).isTrue();
  }

  @Test
  void unknownNamespaceIs102() {
    assertThat(codeOf("nope:room")).isEqualTo(102);
    assertThatThrownBy(() -> ChannelName.resolve("nope:room", CONFIG)).hasMessage("unknown channel");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"chat:a\nINFO forged", "chat:a\r", "a\u0000b", "tab\there", "esc\u001b[31m", "del\u007f", "c1\u0085"})
  void controlCharactersAre107(String channel) {
    assertThat(codeOf(channel)).isEqualTo(107);
  }

  @Test
  void printableUnicodeIsAllowed() throws ChannelException {
    assertThat(ChannelName.resolve("chat:日本語 room 😀", CONFIG).namespace()).isEqualTo("chat");
  }

  @Test
  void emptyOrTooLongIs107() {
    assertThat(codeOf("")).isEqualTo(107);
    assertThat(codeOf(null)).isEqualTo(107);
    assertThat(codeOf("a".repeat(256))).isEqualTo(107);
    // 128 two-byte characters are 256 bytes: over the limit although only 128 chars.
    assertThat(codeOf("é".repeat(128))).isEqualTo(107);
  }

  @Test
  void nameOfExactly255BytesIsAccepted() throws ChannelException {
    assertThat(ChannelName.resolve("a".repeat(255), CONFIG).channel()).hasSize(255);
  }

  @Test
  void userLimitedChannelOnlyForItsUser() throws ChannelException {
    ChannelName n = ChannelName.resolve("personal:#alice", CONFIG);

    assertThat(n.allowedUsers()).containsExactly("alice");
    assertThat(n.userAllowed("alice")).isTrue();
    assertThat(n.userAllowed("bob")).isFalse();
    assertThat(n.userAllowed("")).isFalse();
    assertThat(n.userAllowed(null)).isFalse();
  }

  @Test
  void userLimitedChannelWithSeveralUsers() throws ChannelException {
    ChannelName n = ChannelName.resolve("personal:dialog#a,b,", CONFIG);

    assertThat(n.allowedUsers()).containsExactlyInAnyOrder("a", "b");
    assertThat(n.userAllowed("a")).isTrue();
    assertThat(n.userAllowed("b")).isTrue();
    assertThat(n.userAllowed("c")).isFalse();
  }

  @Test
  void lastHashSeparatesTheUsers() throws ChannelException {
    assertThat(ChannelName.resolve("personal:x#y#carol", CONFIG).allowedUsers()).containsExactly("carol");
  }

  @Test
  void hashIsOrdinaryWhereUserLimitedChannelsAreNotAllowed() throws ChannelException {
    ChannelName n = ChannelName.resolve("chat:#a,b", CONFIG);

    assertThat(n.allowedUsers()).isNull();
    assertThat(n.userAllowed("c")).isTrue();
    assertThat(n.userAllowed("")).isTrue();
  }

  @Test
  void channelRegexAppliesToThePartAfterTheNamespace() throws ChannelException {
    assertThat(ChannelName.resolve("orders:123", CONFIG).namespace()).isEqualTo("orders");
    assertThat(codeOf("orders:12a")).isEqualTo(102);
    assertThat(codeOf("orders:")).isEqualTo(102);
  }

  @Test
  void unanchoredRegexMatchesAnywhereLikeCentrifugo() throws ChannelException {
    BrokerConfig config = ConfigLoader.parse(
        "{\"token_hmac_secret_key\":\"s\",\"api_key\":\"k\",\"namespaces\":[{\"name\":\"ab\",\"channel_regex\":\"[0-9]\"}]}");
    assertThat(ChannelName.resolve("ab:x1y", config).namespace()).isEqualTo("ab");
    assertThatThrownBy(() -> ChannelName.resolve("ab:xy", config)).isInstanceOf(ChannelException.class);
  }

  @Test
  void privateChannelsStartWithDollarAfterTheNamespace() throws ChannelException {
    assertThat(ChannelName.resolve("chat:$secret", CONFIG).isPrivate()).isTrue();
    assertThat(ChannelName.resolve("$secret", CONFIG).isPrivate()).isTrue();
    assertThat(ChannelName.resolve("chat:open$", CONFIG).isPrivate()).isFalse();
    assertThat(ChannelName.resolve("news", CONFIG).isPrivate()).isFalse();
  }
}
