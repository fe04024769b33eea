package io.rebound.edge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.channel.ChannelName;
import io.rebound.config.BrokerConfig;
import io.rebound.config.ConfigLoader;
import io.rebound.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

/** Subscriptions of one channel share its resolved name; resolution rules, errors and configuration still hold. */
class RecentChannelsTest {

  private static final String CONFIG = """
      {"token_hmac_secret_key": "s", "api_key": "k",
       "namespaces": [{"name": "chat", "history_size": %d, "history_ttl": "60s"},
                      {"name": "personal", "allow_user_limited_channels": true}]}
      """;

  private final BrokerConfig config = ConfigLoader.parse(CONFIG.formatted(10));
  private final RecentChannels recent = new RecentChannels();

  @Test
  void theSameChannelResolvesToOneSharedName() {
    ChannelName first = recent.resolve(new String("chat:room"), config);
    ChannelName second = recent.resolve(new String("chat:room"), config);
    assertThat(second).isSameAs(first);
    assertThat(first.namespace()).isEqualTo("chat");
    assertThat(first.options().historySize()).isEqualTo(10);
  }

  @Test
  void everyChannelGetsItsOwnNameEvenWhenTheyShareASlot() {
    for (int i = 0; i < 5000; i++) {
      String channel = "personal:#user" + i;
      ChannelName name = recent.resolve(channel, config);
      assertThat(name.channel()).isEqualTo(channel);
      assertThat(name.userAllowed("user" + i)).isTrue();
      assertThat(name.userAllowed("user" + (i + 1))).isFalse();
    }
  }

  @Test
  void badNamesAreStillRefusedWithTheirProtocolErrors() {
    assertThatThrownBy(() -> recent.resolve("nope:x", config)).isInstanceOf(ProtocolException.class)
        .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(102));
    assertThatThrownBy(() -> recent.resolve("", config)).isInstanceOf(ProtocolException.class)
        .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(107));
    assertThatThrownBy(() -> recent.resolve(null, config)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void anotherConfigurationResolvesAgain() {
    ChannelName before = recent.resolve("chat:room", config);
    BrokerConfig other = ConfigLoader.parse(CONFIG.formatted(20));
    ChannelName after = recent.resolve("chat:room", other);
    assertThat(after).isNotSameAs(before);
    assertThat(after.options().historySize()).isEqualTo(20);
  }
}
