package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One node's answer to {@code channels}: filtered, bounded, and summed on the asking side. */
class ChannelCountsTest {

  @Test
  void encodesOnlyTheMatchingChannelsAndSumsAnswers() {
    Map<String, Integer> node1 = Map.of("chat:1", 2, "news", 3, "chat:\"quoted\" é", 1);
    Buffer a = ChannelCounts.encode(node1, Glob.compile("chat:*"), ChannelCounts.MAX_REPLY_BYTES);
    Buffer b = ChannelCounts.encode(Map.of("chat:1", 5), null, ChannelCounts.MAX_REPLY_BYTES);
    Map<String, Integer> sum = new HashMap<>();
    ChannelCounts.mergeInto(sum, a);
    ChannelCounts.mergeInto(sum, b);
    assertThat(sum).containsExactlyInAnyOrderEntriesOf(Map.of("chat:1", 7, "chat:\"quoted\" é", 1));
    assertThat(ChannelCounts.encode(node1, Glob.compile("nothing"), 100).toString()).isEqualTo("{}");
  }

  @Test
  void anAnswerLargerThanTheLimitIsRefusedNotBuilt() {
    Map<String, Integer> many = new HashMap<>();
    for (int i = 0; i < 10_000; i++) many.put("room:" + i, 1);
    assertThat(ChannelCounts.encode(many, null, 1 << 20).length()).isLessThan(1 << 20);
    assertThatThrownBy(() -> ChannelCounts.encode(many, null, 10_000))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.LIMIT_EXCEEDED))
        .hasMessageContaining("narrow the pattern");
    assertThat(ChannelCounts.encode(many, Glob.compile("room:1"), 10_000).toString()).as("a narrower pattern fits").isEqualTo("{\"room:1\":1}");
  }
}
