package io.rebound.edge.transport;

import io.rebound.codec.json.JsonCodec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeBufferTest {

  private static final Buffer PING = JsonCodec.INSTANCE.ping();

  private static Buffer msg(int n) {
    return Buffer.buffer("{\"n\":" + n + "}");
  }

  private static List<String> texts(List<Buffer> buffers) {
    return buffers.stream().map(Buffer::toString).toList();
  }

  @Test
  void numbersMessagesButNotPingsOrTheConnectReply() {
    ResumeBuffer b = new ResumeBuffer(10, 1 << 20, PING);
    Buffer connectReply = Buffer.buffer("{\"id\":1,\"connect\":{}}");
    b.skipOnce(connectReply);
    b.record(connectReply);
    b.record(msg(1));
    b.record(PING);
    b.record(msg(2));
    assertThat(b.count()).isEqualTo(2);
    assertThat(texts(b.takeAfter(0))).containsExactly("{\"n\":1}", "{\"n\":2}");
  }

  @Test
  void takeAfterResendsUnderTheSameNumbers() {
    ResumeBuffer b = new ResumeBuffer(10, 1 << 20, PING);
    for (int i = 1; i <= 5; i++) b.record(msg(i));
    assertThat(b.covers(3)).isTrue();
    List<Buffer> missing = b.takeAfter(3);
    assertThat(texts(missing)).containsExactly("{\"n\":4}", "{\"n\":5}");
    assertThat(b.count()).isEqualTo(3);
    missing.forEach(b::record); // written again: numbered 4 and 5 again
    b.record(msg(6));
    assertThat(b.count()).isEqualTo(6);
    assertThat(texts(b.takeAfter(4))).containsExactly("{\"n\":5}", "{\"n\":6}");
  }

  @Test
  void coversOnlyWhatIsStillBufferedAndNothingInTheFuture() {
    ResumeBuffer b = new ResumeBuffer(3, 1 << 20, PING);
    for (int i = 1; i <= 5; i++) b.record(msg(i)); // keeps 3, 4, 5
    assertThat(b.covers(1)).isFalse();
    assertThat(b.covers(2)).isTrue();
    assertThat(b.covers(5)).isTrue();
    assertThat(b.covers(6)).isFalse();
    assertThat(b.covers(-1)).isFalse();
  }

  @Test
  void isBoundedInBytes() {
    Buffer big = Buffer.buffer(new byte[400]);
    ResumeBuffer b = new ResumeBuffer(100, 1000, PING);
    for (int i = 0; i < 5; i++) b.record(big);
    assertThat(b.count()).isEqualTo(5);
    assertThat(b.covers(3)).isTrue(); // 2 messages (800 bytes) fit
    assertThat(b.covers(2)).isFalse();
  }
}
