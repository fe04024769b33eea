package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md §7, stream mode: when recovered is true, and what comes back with it. */
class RecoveryDecisionTest {

  private static List<Publication> pubs(long from, long to) {
    List<Publication> out = new ArrayList<>();
    for (long o = from; o <= to; o++) out.add(new Publication(o, "{\"o\":" + o + "}", null, null));
    return out;
  }

  private static HistoryResult read(List<Publication> pubs, long top, String epoch) {
    return new HistoryResult(pubs, new StreamPosition(top, epoch));
  }

  private static RecoveryResult decide(long sinceOffset, String sinceEpoch, HistoryResult read, int max) {
    return RecoveryDecision.decide(new StreamPosition(sinceOffset, sinceEpoch), read, max);
  }

  @Test
  void atTheTopWithNothingMissedIsRecovered() {
    RecoveryResult r = decide(7, "E", read(List.of(), 7, "E"), 300);
    assertThat(r.recovered()).isTrue();
    assertThat(r.publications()).isEmpty();
    assertThat(r.top()).isEqualTo(new StreamPosition(7, "E"));
  }

  @Test
  void noPublicationsButTopAheadIsNotRecovered() {
    // Everything after 3 expired or was trimmed: the read is empty but the top moved on.
    RecoveryResult r = decide(3, "E", read(List.of(), 7, "E"), 300);
    assertThat(r.recovered()).isFalse();
    assertThat(r.publications()).isEmpty();
    assertThat(r.top().offset()).isEqualTo(7);
  }

  @Test
  void contiguousPublicationsUpToTopAreRecovered() {
    RecoveryResult r = decide(3, "E", read(pubs(4, 7), 7, "E"), 300);
    assertThat(r.recovered()).isTrue();
    assertThat(r.publications()).extracting(Publication::offset).containsExactly(4L, 5L, 6L, 7L);
  }

  @Test
  void differentEpochIsNotRecoveredEvenIfOffsetsLineUp() {
    RecoveryResult r = decide(3, "OLD", read(pubs(4, 7), 7, "NEW"), 300);
    assertThat(r.recovered()).isFalse();
    assertThat(r.publications()).isEmpty();
    assertThat(r.top().epoch()).isEqualTo("NEW");
    assertThat(decide(7, "OLD", read(List.of(), 7, "NEW"), 300).recovered()).isFalse();
  }

  @Test
  void emptyRequestEpochMeansAnyEpoch() {
    assertThat(decide(3, "", read(pubs(4, 5), 5, "E"), 300).recovered()).isTrue();
    assertThat(decide(0, "", read(List.of(), 0, "E"), 300).recovered()).isTrue();
  }

  @Test
  void trimmedStartIsNotRecovered() {
    // History kept only 6..7: 4 and 5 are lost.
    RecoveryResult r = decide(3, "E", read(pubs(6, 7), 7, "E"), 300);
    assertThat(r.recovered()).isFalse();
    assertThat(r.publications()).isEmpty();
  }

  @Test
  void readEndingBelowTopIsNotRecovered() {
    assertThat(decide(3, "E", read(pubs(4, 6), 7, "E"), 300).recovered()).isFalse();
  }

  @Test
  void moreMissedThanTheCapIsNotRecovered() {
    // The reader asks for max + 1 so that "more than the cap" is visible.
    RecoveryResult over = decide(0, "E", read(pubs(1, 4), 4, "E"), 3);
    assertThat(over.recovered()).isFalse();
    assertThat(over.publications()).isEmpty();
    RecoveryResult exactly = decide(0, "E", read(pubs(1, 3), 3, "E"), 3);
    assertThat(exactly.recovered()).isTrue();
    assertThat(exactly.publications()).hasSize(3);
  }

  @Test
  void positionBeyondTheTopIsNotRecovered() {
    // The client claims offset 9 but the stream's top is 5 (same epoch): its state cannot be trusted.
    assertThat(decide(9, "E", read(List.of(), 5, "E"), 300).recovered()).isFalse();
  }
}
