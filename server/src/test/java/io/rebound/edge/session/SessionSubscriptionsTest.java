package io.rebound.edge.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.channel.ChannelName;
import io.rebound.config.ChannelOptions;
import io.rebound.core.ClientInfo;
import java.util.Collection;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A session's subscriptions answer the same whether there is one (kept in a field) or several (a map). */
class SessionSubscriptionsTest {

  private final SessionSubscriptions subs = new SessionSubscriptions();

  @Test
  void oneSubscription() {
    Subscription a = sub("chat:a");
    assertThat(subs.count()).isZero();
    assertThat(subs.snapshot()).isEmpty();
    subs.add(a);
    assertThat(subs.get("chat:a")).isSameAs(a);
    assertThat(subs.get("chat:b")).isNull();
    assertThat(subs.count()).isOne();
    assertThat(subs.snapshot()).containsExactly(a);
    assertThat(subs.remove(sub("chat:a"))).isFalse(); // another subscription of the same channel
    assertThat(subs.remove(a)).isTrue();
    assertThat(subs.remove(a)).isFalse();
    assertThat(subs.count()).isZero();
    assertThat(subs.get("chat:a")).isNull();
  }

  @Test
  void severalSubscriptionsAndBackToOne() {
    Subscription a = sub("chat:a");
    Subscription b = sub("chat:b");
    Subscription c = sub("chat:c");
    subs.add(a);
    subs.add(b);
    subs.add(c);
    assertThat(subs.count()).isEqualTo(3);
    assertThat(subs.get("chat:b")).isSameAs(b);
    Collection<Subscription> before = subs.snapshot();
    assertThat(subs.remove(b)).isTrue();
    assertThat(before).containsExactlyInAnyOrder(a, b, c); // a copy
    assertThat(subs.remove(a)).isTrue();
    assertThat(subs.count()).isOne();
    assertThat(subs.get("chat:c")).isSameAs(c);
    assertThat(subs.get("chat:a")).isNull();
    Subscription d = sub("chat:d");
    subs.add(d);
    assertThat(subs.snapshot()).containsExactlyInAnyOrder(c, d);
    subs.clear();
    assertThat(subs.count()).isZero();
    assertThat(subs.snapshot()).isEmpty();
  }

  @Test
  void addingTheSameChannelAgainReplacesIt() {
    Subscription a = sub("chat:a");
    Subscription again = sub("chat:a");
    subs.add(a);
    subs.add(again);
    assertThat(subs.count()).isOne();
    assertThat(subs.get("chat:a")).isSameAs(again);
    Subscription b = sub("chat:b");
    subs.add(b);
    Subscription bAgain = sub("chat:b");
    subs.add(bAgain);
    assertThat(subs.count()).isEqualTo(2);
    assertThat(subs.get("chat:b")).isSameAs(bAgain);
    assertThat(subs.remove(b)).isFalse();
  }

  private static Subscription sub(String channel) {
    ChannelName name = new ChannelName(new String(channel), "chat", ChannelOptions.DEFAULTS, Set.of());
    return new Subscription(name, false, false, false, false, false, new ClientInfo("u", "c", null, null));
  }
}
