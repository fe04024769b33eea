package io.rebound.testing.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.verify.Finding.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker on recorded histories (src/test/resources/verify/*.json): each defect it exists to find, found and named,
 * and clean histories — including explicit losses and an epoch reset the subscriber was told about — passed.
 */
class StreamCheckerTest {

  private static Verdict check(String fixture) {
    try (InputStream in = StreamCheckerTest.class.getResourceAsStream("/verify/" + fixture)) {
      assertThat(in).as(fixture).isNotNull();
      return StreamChecker.check(ObservationsJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void onlyDefects(Verdict v, Kind... kinds) {
    List<Kind> expected = List.of(kinds);
    for (Kind k : Kind.values()) {
      if (!k.defect()) continue;
      if (expected.contains(k)) assertThat(v.count(k)).as("%s in%n%s", k, v.summary(50)).isPositive();
      else assertThat(v.count(k)).as("%s in%n%s", k, v.summary(50)).isZero();
    }
  }

  @Test
  void cleanHistoryPassesWithRecoveriesLateJoinersAndOffsetlessDeliveries() {
    Verdict v = check("clean.json");
    assertThat(v.clean()).as(v.summary(50)).isTrue();
    assertThat(v.findings()).isEmpty();
    assertThat(v.totals()).isEqualTo(new Verdict.Totals(1, 3, 6, 3 + 3 + 4 + 6, 1));
  }

  @Test
  void silentLossInTheMiddleAndAtTheTailIsNamed() {
    Verdict v = check("silent-loss.json");
    assertThat(v.clean()).isFalse();
    onlyDefects(v, Kind.SILENT_LOSS);
    assertThat(v.silentLosses()).isEqualTo(2);
    List<Finding> losses = v.findings(Kind.SILENT_LOSS);
    assertThat(losses).extracting(Finding::subscriber).containsExactly("gap", "tail");
    assertThat(losses.get(0).samples()).containsExactly("offset 3 (payload 3)");
    assertThat(losses.get(1).samples()).containsExactly("offset 6 (payload 6)");
    assertThat(losses.get(0).describe()).contains("silent_loss", "chat:a", "[gap]", "offset 3 (payload 3)");
  }

  @Test
  void duplicateDeliveryAndDuplicateStorageAreNamed() {
    Verdict v = check("duplicate.json");
    onlyDefects(v, Kind.DUPLICATE);
    List<Finding> dups = v.findings(Kind.DUPLICATE);
    assertThat(dups).hasSize(2);
    assertThat(dups.get(0)).satisfies(f -> {
      assertThat(f.channel()).isEqualTo("chat:a");
      assertThat(f.subscriber()).isEqualTo("twice");
      assertThat(f.count()).isEqualTo(1);
      assertThat(f.samples()).containsExactly("offset 3 (payload 3)");
    });
    assertThat(dups.get(1)).satisfies(f -> {
      assertThat(f.channel()).isEqualTo("chat:b");
      assertThat(f.subscriber()).isNull();
      assertThat(f.samples()).containsExactly("payload 2 at offsets 2 and 3");
    });
  }

  @Test
  void reorderIsNamedAndNotMistakenForALoss() {
    Verdict v = check("reorder.json");
    onlyDefects(v, Kind.REORDER);
    assertThat(v.findings(Kind.REORDER)).singleElement()
        .satisfies(f -> assertThat(f.samples()).containsExactly("offset 2 (payload 2) after offset 3"));
  }

  @Test
  void recoveredFalseIsAnExplicitLossNotADefect() {
    Verdict v = check("explicit-loss.json");
    assertThat(v.clean()).as(v.summary(50)).isTrue();
    assertThat(v.findings(Kind.EXPLICIT_LOSS)).singleElement().satisfies(f -> {
      assertThat(f.count()).as("offsets 3 and 4 were skipped, and the client was told").isEqualTo(2);
      assertThat(f.samples()).containsExactly("offset 3 (payload 3)", "offset 4 (payload 4)");
      assertThat(f.subscriber()).isEqualTo("told");
    });
    assertThat(v.summary(10)).startsWith("CLEAN").contains("(told, not a defect)");
  }

  @Test
  void acknowledgedButMissingFromHistoryInsideTheWindowOrAboveTheTop() {
    Verdict v = check("missing-from-history.json");
    onlyDefects(v, Kind.MISSING_FROM_HISTORY);
    assertThat(v.findings(Kind.MISSING_FROM_HISTORY)).singleElement().satisfies(f -> {
      // 1 is below the oldest retained offset (trimmed, allowed); 3 is a hole; 7 is above the top.
      assertThat(f.samples()).containsExactly("offset 3 (payload 3)", "offset 7 (payload 7)");
      assertThat(f.count()).isEqualTo(2);
    });
  }

  @Test
  void anEpochChangeNobodyWasToldAboutIsCaught() {
    Verdict v = check("silent-epoch-change.json");
    assertThat(v.clean()).isFalse();
    // Offsets 1 and 2 of e1, as the subscriber knows the stream, came again with other payloads.
    onlyDefects(v, Kind.CONFLICTING_PAYLOADS);
    assertThat(v.findings(Kind.CONFLICTING_PAYLOADS)).singleElement().satisfies(f -> {
      assertThat(f.count()).isEqualTo(2);
      assertThat(f.samples().get(0)).contains("offset 1 of epoch e1", "payload 1 (publish result)", "payload 4 (received by misled)");
    });
    assertThat(v.count(Kind.EPOCH_RESET)).isEqualTo(3);
  }

  @Test
  void anEpochResetTheSubscriberWasToldAboutIsClean() {
    Verdict v = check("epoch-reset-told.json");
    assertThat(v.clean()).as(v.summary(50)).isTrue();
    assertThat(v.count(Kind.EPOCH_RESET)).isEqualTo(3);
    assertThat(v.findings(Kind.EXPLICIT_LOSS)).singleElement()
        .satisfies(f -> assertThat(f.samples()).containsExactly("offset 3 (payload 3)"));
  }

  @Test
  void recoveredTrueAcrossAnEpochChangeIsASilentLoss() {
    Verdict v = check("false-recovery.json");
    onlyDefects(v, Kind.SILENT_LOSS);
    assertThat(v.findings(Kind.SILENT_LOSS)).singleElement().satisfies(f -> {
      assertThat(f.detail()).contains("recovered:true although the epoch changed from e1 to e2");
      assertThat(f.count()).isEqualTo(2);
    });
  }

  @Test
  void oneOffsetWithTwoPayloadsIsCaughtFromAcksHistoryAndSubscribers() {
    Verdict v = check("rewritten-offset.json");
    assertThat(v.findings(Kind.CONFLICTING_PAYLOADS)).singleElement().satisfies(f -> {
      assertThat(f.count()).isEqualTo(1);
      assertThat(f.samples().get(0)).contains("offset 2 of epoch e1", "payload a2 (publish result)", "payload b1 (publish result)");
    });
    assertThat(v.findings(Kind.MISSING_FROM_HISTORY)).singleElement()
        .satisfies(f -> assertThat(f.samples()).containsExactly("offset 2 (payload a2)"));
  }

  @Test
  void aSubscriberLeftInAnOldEpochWithoutBeingToldIsASilentLoss() {
    Verdict v = check("left-in-old-epoch.json");
    onlyDefects(v, Kind.SILENT_LOSS);
    assertThat(v.findings(Kind.SILENT_LOSS)).singleElement().satisfies(f -> {
      // Its own epoch is complete; what it never got is the whole of the epoch the stream moved to.
      assertThat(f.subscriber()).isEqualTo("stuck");
      assertThat(f.count()).isEqualTo(3);
      assertThat(f.detail()).contains("left in epoch e1", "moved to epoch e2");
      assertThat(f.samples()).containsExactly("offset 1 (payload 3)", "offset 2 (payload 4)", "offset 3 (payload 5)");
    });
    assertThat(v.findings(Kind.EXPLICIT_LOSS)).extracting(Finding::subscriber).containsExactly("told");
  }

  @Test
  void publicationsANewEpochCarriedOverAreNotAResetButTheOnesItDroppedAre() {
    Verdict v = check("epoch-carried-over.json");
    assertThat(v.clean()).as(v.summary(50)).isTrue();
    // 2 and 3 are still in history under e2; only 1 (trimmed before the reset, or dropped by it) is gone.
    assertThat(v.findings(Kind.EPOCH_RESET)).singleElement().satisfies(f -> {
      assertThat(f.count()).isEqualTo(1);
      assertThat(f.samples()).containsExactly("offset 1 (payload 1) of epoch e1");
    });
  }

  @Test
  void samplesAreBoundedHoweverLargeTheLoss() {
    Recorder r = new Recorder();
    for (int i = 1; i <= 1000; i++) r.acked("chat:big", Integer.toString(i), i, "e");
    Recorder.Subscriber s = r.subscriber("late", "chat:big");
    s.subscribed(false, false, 0, "e");
    s.received(1, "1");
    Verdict v = StreamChecker.check(r.observations());
    assertThat(v.silentLosses()).isEqualTo(999);
    assertThat(v.findings(Kind.SILENT_LOSS).get(0).samples()).hasSize(Finding.MAX_SAMPLES);
    assertThat(v.toJson(5).path("counts").path("silent_loss").asLong()).isEqualTo(999);
  }

  @Test
  void recordingsSurviveAJsonRoundTrip() throws IOException {
    for (String fixture : List.of("clean.json", "silent-loss.json", "rewritten-offset.json", "explicit-loss.json", "left-in-old-epoch.json")) {
      Observations o;
      try (InputStream in = StreamCheckerTest.class.getResourceAsStream("/verify/" + fixture)) {
        o = ObservationsJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      assertThat(ObservationsJson.read(ObservationsJson.write(o))).as(fixture).isEqualTo(o);
      assertThat(StreamChecker.check(ObservationsJson.read(ObservationsJson.write(o)))).isEqualTo(StreamChecker.check(o));
    }
  }
}
