package io.rebound.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.engine.FanoutMessage;
import io.rebound.core.Publication;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelOrderTest {

  private final ChannelOrder order = new ChannelOrder();

  private static FanoutMessage pub(long offset, String epoch) {
    return FanoutMessage.publication("ch", new Publication(offset, "{\"o\":" + offset + "}", null, null), epoch);
  }

  private static FanoutMessage pub(long offset) {
    return pub(offset, "E1");
  }

  private static List<Long> offsets(List<FanoutMessage> msgs) {
    return msgs.stream().map(FanoutMessage::offset).toList();
  }

  @Test
  void inOrderPublicationsAreReleasedImmediately() {
    ChannelOrder.Outcome first = order.offer(pub(5));
    assertThat(first.verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
    assertThat(offsets(first.release())).containsExactly(5L);
    for (long o = 6; o <= 8; o++) {
      ChannelOrder.Outcome out = order.offer(pub(o));
      assertThat(out.verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
      assertThat(offsets(out.release())).containsExactly(o);
    }
    assertThat(order.lastReleased()).isEqualTo(8);
    assertThat(order.hasGap()).isFalse();
  }

  @Test
  void aheadOfGapIsHeldThenReleasedInOrder() {
    order.offer(pub(1));
    assertThat(order.offer(pub(4)).verdict()).isEqualTo(ChannelOrder.Verdict.HELD);
    assertThat(order.offer(pub(3)).verdict()).isEqualTo(ChannelOrder.Verdict.HELD);
    assertThat(order.hasGap()).isTrue();
    assertThat(order.firstHeld()).isEqualTo(3);
    ChannelOrder.Outcome out = order.offer(pub(2));
    assertThat(out.verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
    assertThat(offsets(out.release())).containsExactly(2L, 3L, 4L);
    assertThat(order.hasGap()).isFalse();
    assertThat(order.lastReleased()).isEqualTo(4);
  }

  @Test
  void duplicatesAreDropped() {
    order.offer(pub(1));
    order.offer(pub(2));
    assertThat(order.offer(pub(2)).verdict()).isEqualTo(ChannelOrder.Verdict.DUPLICATE);
    assertThat(order.offer(pub(1)).verdict()).isEqualTo(ChannelOrder.Verdict.DUPLICATE);
    order.offer(pub(4));
    ChannelOrder.Outcome heldTwice = order.offer(pub(4));
    assertThat(heldTwice.verdict()).isEqualTo(ChannelOrder.Verdict.DUPLICATE);
    assertThat(heldTwice.release()).isEmpty();
    assertThat(offsets(order.offer(pub(3)).release())).containsExactly(3L, 4L);
  }

  @Test
  void epochChangeResetsTheBaseline() {
    order.offer(pub(7));
    order.offer(pub(9)); // held
    ChannelOrder.Outcome out = order.offer(pub(1, "E2"));
    assertThat(out.verdict()).isEqualTo(ChannelOrder.Verdict.EPOCH_CHANGED);
    assertThat(offsets(out.release())).containsExactly(1L);
    assertThat(order.epoch()).isEqualTo("E2");
    assertThat(order.hasGap()).isFalse();
    assertThat(order.offer(pub(2, "E2")).verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
  }

  @Test
  void fillFromHistoryClosesTheGap() {
    order.offer(pub(5));
    order.offer(pub(8));
    order.offer(pub(9));
    List<FanoutMessage> released = order.fill(List.of(pub(5), pub(6), pub(7)));
    assertThat(released).isNotNull();
    assertThat(offsets(released)).containsExactly(6L, 7L, 8L, 9L);
    assertThat(order.lastReleased()).isEqualTo(9);
    assertThat(order.hasGap()).isFalse();
  }

  @Test
  void fillThatLeavesAGapFails() {
    order.offer(pub(5));
    order.offer(pub(9));
    assertThat(order.fill(List.of(pub(6), pub(7)))).isNull();
    assertThat(order.fill(List.of(pub(7), pub(8)))).isNull(); // 6 missing
    assertThat(order.fill(List.of())).isNull();
    assertThat(order.lastReleased()).isEqualTo(5);
    assertThat(order.hasGap()).isTrue();
  }

  @Test
  void tooManyHeldIsOverflow() {
    order.offer(pub(1));
    for (int i = 0; i < ChannelOrder.MAX_HELD; i++) {
      assertThat(order.offer(pub(3 + i)).verdict()).isEqualTo(ChannelOrder.Verdict.HELD);
    }
    assertThat(order.offer(pub(3 + ChannelOrder.MAX_HELD)).verdict()).isEqualTo(ChannelOrder.Verdict.OVERFLOW);
  }

  @Test
  void unstoredPublicationsPassThroughWithoutAffectingOrder() {
    order.offer(pub(3));
    ChannelOrder.Outcome out = order.offer(pub(0, ""));
    assertThat(out.verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
    assertThat(order.lastReleased()).isEqualTo(3);
    assertThat(order.epoch()).isEqualTo("E1");
  }

  @Test
  void clearMakesTheNextPublicationTheBaseline() {
    order.offer(pub(3));
    order.offer(pub(6));
    order.clear();
    assertThat(order.hasGap()).isFalse();
    assertThat(offsets(order.offer(pub(10)).release())).containsExactly(10L);
  }

  @Test
  void aSubscriberPositionSeedsTheBaselineSoAnEarlyArrivalIsHeld() {
    // Two nodes publish at once: offset 2 overtakes offset 1 on the way to this edge. The subscriber
    // is known to be at top 0, so 2 must wait for 1 instead of becoming the baseline.
    ChannelOrder order = new ChannelOrder();
    order.seed("E1", 0);
    assertThat(order.offer(pub(2)).verdict()).isEqualTo(ChannelOrder.Verdict.HELD);
    ChannelOrder.Outcome one = order.offer(pub(1));
    assertThat(one.verdict()).isEqualTo(ChannelOrder.Verdict.RELEASED);
    assertThat(offsets(one.release())).containsExactly(1L, 2L);
  }

  @Test
  void seedingNeverMovesAnExistingBaseline() {
    ChannelOrder order = new ChannelOrder();
    order.offer(pub(5));
    order.seed("E1", 2);
    assertThat(order.lastReleased()).isEqualTo(5);
    order.seed("other", 9);
    assertThat(order.epoch()).isEqualTo("E1");
  }

  @Test
  void aFillThatArrivesAfterItsGapClosedIsStaleNotALoss() {
    // The gap after 4 is read from history; meanwhile 5 and 6 arrive live and a new gap opens at 7.
    ChannelOrder order = new ChannelOrder();
    order.offer(pub(4));
    order.offer(pub(6));
    long readFrom = order.lastReleased();
    order.offer(pub(5));
    order.offer(pub(8));
    assertThat(order.lastReleased()).isEqualTo(6);
    ChannelOrder.Fill stale = order.fill(List.of(pub(5)), readFrom);
    assertThat(stale.status()).isEqualTo(ChannelOrder.FillStatus.STALE);
    assertThat(order.hasGap()).isTrue();
    // A fresh read covers the new gap.
    ChannelOrder.Fill filled = order.fill(List.of(pub(7)), order.lastReleased());
    assertThat(filled.status()).isEqualTo(ChannelOrder.FillStatus.FILLED);
    assertThat(offsets(filled.released())).containsExactly(7L, 8L);
  }

  @Test
  void aCurrentFillThatCannotCloseTheGapIsALoss() {
    ChannelOrder order = new ChannelOrder();
    order.offer(pub(4));
    order.offer(pub(7));
    ChannelOrder.Fill lost = order.fill(List.of(pub(6)), order.lastReleased()); // 5 was trimmed away
    assertThat(lost.status()).isEqualTo(ChannelOrder.FillStatus.LOST);
  }
}
