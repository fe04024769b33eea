package io.rebound.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.codec.json.JsonCodec;
import io.rebound.protocol.Disconnect;
import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive write delay: at light load (one message per connection per flush) every flush
 * follows at the end of the event-loop pass, however recent the previous one; the delay is paid only
 * while flushes carry more than one message per connection at more than 200 messages/s each, and a
 * flush below either ends that spell. The scheduler's clock is the test's, so rates are exact.
 */
class FlushSchedulerTest {

  private Vertx vertx;
  private Context loop;
  private final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  /** Frames as written, completing at once. */
  private static final class RecordingTransport implements Transport {
    final List<String> frames = new CopyOnWriteArrayList<>();

    @Override public String name() { return "test"; }
    @Override public void write(Buffer frame, Runnable done) { frames.add(frame.toString()); done.run(); }
    @Override public void close(Disconnect reason) { }
    @Override public boolean isClosed() { return false; }
    @Override public int closeCode() { return NO_CLOSE_CODE; }
    @Override public String remote() { return "test"; }
    @Override public void bind(Inbound inbound) { }
    @Override public Transport movedTo(Context sessionContext) { return this; }
  }

  private void onLoop(Runnable task) {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> {
      task.run();
      done.complete();
    });
    Await.result(done.future());
  }

  /** Read on the loop, after the flush that wrote the last frame has finished. */
  private boolean busy(FlushScheduler scheduler) {
    boolean[] busy = new boolean[1];
    onLoop(() -> busy[0] = scheduler.busy());
    return busy[0];
  }

  @Test
  void atLightLoadAFlushRightAfterAnotherIsNotHeldForTheWriteDelay() {
    // A delay no test would wait for: before the delay was adaptive, the second message waited for it.
    FlushScheduler scheduler = new FlushScheduler(loop, Duration.ofHours(1));
    RecordingTransport a = new RecordingTransport();
    RecordingTransport b = new RecordingTransport();
    Outbound[] outs = new Outbound[2];
    onLoop(() -> {
      outs[0] = new Outbound(a, scheduler, JsonCodec.INSTANCE, 1 << 20, () -> { }, null, null);
      outs[1] = new Outbound(b, scheduler, JsonCodec.INSTANCE, 1 << 20, () -> { }, null, null);
      for (Outbound o : outs) o.send(Buffer.buffer("{\"n\":1}"));
    });
    Await.until("the first flush", Duration.ofSeconds(10), () -> a.frames.size() == 1 && b.frames.size() == 1);
    onLoop(() -> {
      for (Outbound o : outs) o.send(Buffer.buffer("{\"n\":2}"));
    });
    Await.until("the second flush, not an hour later", Duration.ofSeconds(10), () -> a.frames.size() == 2 && b.frames.size() == 2);
    assertThat(a.frames).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(busy(scheduler)).isFalse();
  }

  private Outbound outboundOn(FlushScheduler scheduler, RecordingTransport transport) {
    Outbound[] out = new Outbound[1];
    onLoop(() -> out[0] = new Outbound(transport, scheduler, JsonCodec.INSTANCE, 1 << 20, () -> { }, null, null));
    return out[0];
  }

  private void sendAt(long millis, Outbound out, int... ns) {
    nanos.set(Duration.ofMillis(millis).toNanos());
    onLoop(() -> {
      for (int n : ns) out.send(Buffer.buffer("{\"n\":" + n + "}"));
    });
  }

  @Test
  void flushesOfSeveralMessagesPerConnectionMakeTheEdgeBusyAndALightOneEndsIt() {
    FlushScheduler scheduler = new FlushScheduler(loop, Duration.ofMillis(20), nanos::get);
    RecordingTransport a = new RecordingTransport();
    Outbound out = outboundOn(scheduler, a);
    sendAt(1, out, 1, 2);
    Await.until("the joined flush", Duration.ofSeconds(10), () -> a.frames.size() == 1);
    assertThat(a.frames).containsExactly("{\"n\":1}\n{\"n\":2}");
    assertThat(busy(scheduler)).as("two messages in 1 ms: busy").isTrue();

    sendAt(2, out, 3);
    Await.until("the delayed flush", Duration.ofSeconds(10), () -> a.frames.size() == 2);
    assertThat(a.frames.get(1)).isEqualTo("{\"n\":3}");
    assertThat(busy(scheduler)).as("one message per connection: quiet again").isFalse();
  }

  @Test
  void aBurstAfterAQuietSpellIsNotHeldBack() {
    // Before the rate counted, three messages in one flush made the edge busy, and the next message
    // waited for the write delay: here an hour, which the wait below would not outlast.
    FlushScheduler scheduler = new FlushScheduler(loop, Duration.ofHours(1), nanos::get);
    RecordingTransport a = new RecordingTransport();
    Outbound out = outboundOn(scheduler, a);
    sendAt(10_000, out, 1, 2, 3);
    Await.until("the burst", Duration.ofSeconds(10), () -> a.frames.size() == 1);
    assertThat(busy(scheduler)).as("3 messages over 10 s").isFalse();

    sendAt(10_001, out, 4);
    Await.until("the next message at once", Duration.ofSeconds(10), () -> a.frames.size() == 2);
    assertThat(a.frames).containsExactly("{\"n\":1}\n{\"n\":2}\n{\"n\":3}", "{\"n\":4}");
  }

  @Test
  void aSteadyHundredMessagesASecondEndsTheBusySpell() {
    FlushScheduler scheduler = new FlushScheduler(loop, Duration.ofMillis(20), nanos::get);
    RecordingTransport a = new RecordingTransport();
    Outbound out = outboundOn(scheduler, a);
    sendAt(1, out, 1, 2);
    Await.until("the first flush", Duration.ofSeconds(10), () -> a.frames.size() == 1);
    assertThat(busy(scheduler)).isTrue();

    // Two messages per connection 20 ms later: 100 a second, more than one per flush but not worth a
    // wait (before the rate counted, this kept the edge busy and every later message waited 20 ms).
    sendAt(21, out, 3, 4);
    Await.until("the second flush", Duration.ofSeconds(10), () -> a.frames.size() == 2);
    assertThat(busy(scheduler)).as("100 messages/s per connection").isFalse();
  }

  @Test
  void theRateRuleCountsMessagesPerConnection() {
    long ms = 1_000_000;
    assertThat(FlushScheduler.busy(2, 1, 5 * ms)).as("400/s").isTrue();
    assertThat(FlushScheduler.busy(2, 1, 10 * ms)).as("200/s: not more than").isFalse();
    assertThat(FlushScheduler.busy(2000, 1000, 5 * ms)).as("400/s each").isTrue();
    assertThat(FlushScheduler.busy(1000, 1000, 0)).as("one each, at once").isFalse();
    assertThat(FlushScheduler.busy(1500, 1000, ms)).as("1.5 each in 1 ms").isTrue();
    assertThat(FlushScheduler.busy(0, 0, 0)).isFalse();
  }
}
