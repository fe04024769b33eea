package io.rebound.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.RedisOptions;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

  private final RedisKeys keys = new RedisKeys("rebound");

  /** The Redis Cluster hash tag: text between the first '{' and the next '}', if not empty. */
  private static String hashTag(String key) {
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    return open < 0 || close <= open + 1 ? key : key.substring(open + 1, close);
  }

  @Test
  void allKeysOfAChannelShareOneHashTag() {
    for (String ch : new String[] {"news", "chat:room#42", "a}b", "}", "", "{x}"}) {
      String tag = hashTag(keys.meta(ch));
      assertThat(hashTag(keys.publications(ch))).as(ch).isEqualTo(tag);
      assertThat(hashTag(keys.idempotency(ch, "k}{"))).as(ch).isEqualTo(tag);
      assertThat(hashTag(keys.presenceMembers(ch))).as(ch).isEqualTo(tag);
      assertThat(hashTag(keys.presenceExpiry(ch))).as(ch).isEqualTo(tag);
      assertThat(tag).as(ch).isNotEqualTo(keys.meta(ch)); // a real tag, not the whole key
    }
    assertThat(keys.meta("news")).isEqualTo("rebound:meta:{news}");
    assertThat(keys.publications("news")).isEqualTo("rebound:pubs:{news}");
    assertThat(keys.idempotency("news", "k1")).isEqualTo("rebound:idem:{news}:k1");
    assertThat(keys.presenceMembers("news")).isEqualTo("rebound:presence:{news}");
    assertThat(keys.presenceExpiry("news")).isEqualTo("rebound:presence-expiry:{news}");
  }

  @Test
  void channelsWithBracesStillGetDistinctKeys() {
    assertThat(keys.meta("a}b")).isNotEqualTo(keys.meta("a}c"));
  }

  @Test
  void addressesAreRedactedInMessages() {
    assertThat(RedisOptions.of("redis://:s3cret@db.local:6380/2").safeAddress()).isEqualTo("redis://***@db.local:6380/2");
    assertThat(RedisOptions.of("redis://127.0.0.1:6379").safeAddress()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(RedisOptions.of("redis://:s3cret@db.local:6380/2").toString()).doesNotContain("s3cret");
  }
}
