package io.rebound.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A fan-out message crosses nodes as its values (never a client frame), comes back equal, and is
 * encoded once per wire format however many loops ask at once.
 */
class FanoutMessageTest {

  private static final ClientInfo INFO = new ClientInfo("żółw", "c-1", "{\"a\":1}", null);

  private static FanoutMessage roundTrip(FanoutMessage m) {
    Buffer wire = Buffer.buffer().appendString("prefix").appendBuffer(m.encode());
    return FanoutMessage.decode(wire, "prefix".length());
  }

  @Test
  void publicationsJoinsAndLeavesCrossNodesAsTheirValues() {
    List<FanoutMessage> messages = List.of(
        FanoutMessage.publication("ch:ż", new Publication(7, "{\"s\":\"\\u2028\u2028\"}", INFO, Map.of("k", "v")), "ep"),
        FanoutMessage.publication("ch", Publication.of("\"unstored\""), ""),
        FanoutMessage.join("ch", INFO),
        FanoutMessage.leave("ch", new ClientInfo("", "c-2", null, "{\"b\":2}")));
    for (FanoutMessage m : messages) {
      FanoutMessage back = roundTrip(m);
      assertThat(back).isEqualTo(m);
      assertThat(back.publication()).isEqualTo(m.publication());
      assertThat(back.info()).isEqualTo(m.info());
    }
  }

  @Test
  void aMessageOfAnotherEncodingIsRefused() {
    Buffer old = Buffer.buffer().appendByte((byte) 0).appendByte((byte) 1).appendByte((byte) 2);
    assertThatThrownBy(() -> FanoutMessage.decode(old, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachFormatIsEncodedOnceEvenWhenLoopsAskAtOnce() throws Exception {
    FanoutMessage m = FanoutMessage.publication("ch", new Publication(1, "{}", null, null), "ep");
    AtomicInteger encodes = new AtomicInteger();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Buffer>> frames = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        frames.add(pool.submit(() -> {
          start.await();
          return m.frame(0, msg -> Buffer.buffer("frame " + encodes.incrementAndGet()));
        }));
      }
      start.countDown();
      Buffer first = frames.get(0).get(10, TimeUnit.SECONDS);
      for (Future<Buffer> f : frames) assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
      assertThat(encodes.get()).isEqualTo(1);
      assertThat(m.frame(1, msg -> Buffer.buffer("other format"))).isNotSameAs(first);
      assertThat(encodes.get()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
