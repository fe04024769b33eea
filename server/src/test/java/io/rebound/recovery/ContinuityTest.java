package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.recovery.Continuity.Verdict;
import io.rebound.recovery.StreamCursor.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of the continuity rule, as one table each for reads ({@link Continuity}) and arrivals ({@link StreamCursor}). */
class ContinuityTest {

  /** A read of publications {@code from..to} (none when from > to), top {@code top} in epoch {@code epoch}. */
  private static HistoryResult read(long from, long to, long top, String epoch) {
    List<Publication> pubs = new ArrayList<>();
    for (long o = from; o <= to; o++) pubs.add(new Publication(o, "{}", null, null));
    return new HistoryResult(pubs, new StreamPosition(top, epoch));
  }

  static Stream<Arguments> reads() {
    return Stream.of(
        // case, position, read, max, check(), checkStart()
        Arguments.of("at the top, nothing missed", 7, "E", read(1, 0, 7, "E"), 300, Verdict.CONTIGUOUS, Verdict.CONTIGUOUS),
        Arguments.of("empty stream, client at 0", 0, "E", read(1, 0, 0, "E"), 300, Verdict.CONTIGUOUS, Verdict.CONTIGUOUS),
        Arguments.of("missed 4..7, all read", 3, "E", read(4, 7, 7, "E"), 300, Verdict.CONTIGUOUS, Verdict.CONTIGUOUS),
        Arguments.of("no epoch given = any epoch", 3, "", read(4, 7, 7, "E"), 300, Verdict.CONTIGUOUS, Verdict.CONTIGUOUS),
        Arguments.of("exactly the cap", 0, "E", read(1, 3, 3, "E"), 3, Verdict.CONTIGUOUS, Verdict.CONTIGUOUS),
        Arguments.of("one over the cap (read max+1)", 0, "E", read(1, 4, 9, "E"), 3, Verdict.OVER_LIMIT, Verdict.CONTIGUOUS),
        Arguments.of("first missed one trimmed", 3, "E", read(5, 7, 7, "E"), 300, Verdict.TRIMMED, Verdict.TRIMMED),
        Arguments.of("all missed expired, top moved", 3, "E", read(1, 0, 7, "E"), 300, Verdict.TRIMMED, Verdict.TRIMMED),
        Arguments.of("read ends short of the top", 3, "E", read(4, 5, 7, "E"), 300, Verdict.TRIMMED, Verdict.CONTIGUOUS),
        Arguments.of("new epoch, offsets line up", 3, "OLD", read(4, 7, 7, "NEW"), 300, Verdict.EPOCH_CHANGED, Verdict.EPOCH_CHANGED),
        Arguments.of("new epoch, same top", 7, "OLD", read(1, 0, 7, "NEW"), 300, Verdict.EPOCH_CHANGED, Verdict.EPOCH_CHANGED),
        Arguments.of("position beyond the top", 9, "E", read(1, 0, 7, "E"), 300, Verdict.AHEAD, Verdict.AHEAD),
        Arguments.of("beyond the top of a new epoch", 9, "OLD", read(1, 0, 7, "E"), 300, Verdict.EPOCH_CHANGED, Verdict.EPOCH_CHANGED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reads")
  void readVerdicts(String name, long offset, String epoch, HistoryResult read, int max, Verdict check, Verdict checkStart) {
    StreamPosition at = new StreamPosition(offset, epoch);
    assertThat(Continuity.check(at, read, max)).isEqualTo(check);
    assertThat(Continuity.checkStart(at, read)).isEqualTo(checkStart);
    assertThat(Continuity.check(at, read, max).continuous()).isEqualTo(check == Verdict.CONTIGUOUS);
  }

  static Stream<Arguments> arrivals() {
    return Stream.of(
        // case, cursor, arriving, step, cursor offset afterwards
        Arguments.of("the next one", 5, "E", 6, "E", Step.NEXT, 6),
        Arguments.of("the current one again", 5, "E", 5, "E", Step.DUPLICATE, 5),
        Arguments.of("an older one", 5, "E", 2, "E", Step.DUPLICATE, 5),
        Arguments.of("one missing in between", 5, "E", 7, "E", Step.GAP, 5),
        Arguments.of("far ahead", 5, "E", 500, "E", Step.GAP, 5),
        Arguments.of("another epoch, next offset", 5, "E", 6, "F", Step.EPOCH, 5),
        Arguments.of("another epoch, offset 1", 5, "E", 1, "F", Step.EPOCH, 5),
        Arguments.of("no position yet", 0, "", 1, "E", Step.EPOCH, 0),
        Arguments.of("first publication of a known empty stream", 0, "E", 1, "E", Step.NEXT, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arrivals")
  void arrivalSteps(String name, long atOffset, String atEpoch, long offset, String epoch, Step step, long after) {
    StreamCursor cursor = new StreamCursor(atEpoch, atOffset);
    assertThat(cursor.classify(offset, epoch)).isEqualTo(step);
    assertThat(cursor.offset()).isEqualTo(atOffset); // classify never moves
    assertThat(cursor.accept(offset, epoch)).isEqualTo(step);
    assertThat(cursor.offset()).isEqualTo(after);
    assertThat(cursor.epoch()).isEqualTo(atEpoch);
  }
}
