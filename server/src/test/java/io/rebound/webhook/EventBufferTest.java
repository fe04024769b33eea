package io.rebound.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventBufferTest {

  private static EventBuffer.Entry entry(String client, long seq) {
    return new EventBuffer.Entry(WebhookEvent.subscription(EventType.SUBSCRIBE, seq, "n", "u", client, "ch", 0), null);
  }

  @Test
  void firstInFirstOutUpToTheCapacity() {
    EventBuffer b = new EventBuffer(3);
    assertThat(b.offer(entry("a", 1))).isTrue();
    assertThat(b.offer(entry("a", 2))).isTrue();
    assertThat(b.offer(entry("a", 3))).isTrue();
    assertThat(b.offer(entry("a", 4))).isFalse();
    assertThat(b.remaining()).isZero();
    assertThat(b.take(2)).extracting(e -> e.event().seq()).containsExactly(1L, 2L);
    assertThat(b.offer(entry("a", 5))).isTrue();
    assertThat(b.take(10)).extracting(e -> e.event().seq()).containsExactly(3L, 5L);
    assertThat(b.size()).isZero();
  }

  @Test
  void concurrentProducersNeverOvershootAndKeepTheirOwnOrder() throws InterruptedException {
    EventBuffer b = new EventBuffer(5_000);
    int producers = 4;
    int each = 3_000;
    AtomicInteger accepted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      String client = "c" + p;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) if (b.offer(entry(client, i))) accepted.incrementAndGet();
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) t.join();
    assertThat(accepted.get()).isEqualTo(5_000);
    assertThat(b.size()).isEqualTo(5_000);
    List<EventBuffer.Entry> all = b.take(10_000);
    assertThat(all).hasSize(5_000);
    ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();
    for (EventBuffer.Entry e : all) {
      Long before = last.put(e.event().client(), e.event().seq());
      if (before != null) assertThat(e.event().seq()).as("order of %s", e.event().client()).isGreaterThan(before);
    }
  }
}
