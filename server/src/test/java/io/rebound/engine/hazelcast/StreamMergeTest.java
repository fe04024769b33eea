package io.rebound.engine.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.rebound.core.Publication;
import io.rebound.engine.PublicationCodec;
import io.rebound.engine.hazelcast.StreamMerge.Outcome;
import io.rebound.engine.hazelcast.StreamMerge.Result;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The split-brain merge rule on the copies a healed partition leaves: a stale copy never overwrites a longer one, a
 * longer copy that continues the other wins, and diverged or incomparable histories move to a new epoch with the
 * larger side's publications — never one offset of one epoch with two payloads.
 */
class StreamMergeTest {

  private static final long NOW = 1_000_000;
  private static final long TTL = 60_000;
  private final AtomicInteger epochs = new AtomicInteger();

  /** A stream of {@code epoch} with publications {@code payloads} appended in order (kept: the last {@code size}). */
  private static StoredStream stream(String epoch, int size, String... payloads) {
    return append(StoredStream.fresh(epoch), size, payloads);
  }

  private static byte[] encoded(String payload) {
    return PublicationCodec.encode(new Publication(0, "\"" + payload + "\"", null, null));
  }

  /** The same stream with more appended (a copy, so both sides can be held at once). */
  private StoredStream copy(StoredStream s) {
    InternalSerializationService ss = new DefaultSerializationServiceBuilder()
        .addDataSerializableFactory(EngineSerializerFactory.FACTORY_ID, new EngineSerializerFactory()).build();
    return ss.toObject(ss.toData(s));
  }

  private static StoredStream append(StoredStream s, int size, String... payloads) {
    for (String p : payloads) s.append(encoded(p), size, TTL, TTL, "key-" + p, NOW);
    return s;
  }

  private static List<String> payloads(StoredStream s) {
    return s.read(-1, -1, false).toResult().publications().stream().map(p -> p.data().replace("\"", "")).toList();
  }

  private Result merge(StoredStream merging, StoredStream existing) {
    return StreamMerge.decide(merging, existing, NOW, () -> "fresh" + epochs.incrementAndGet());
  }

  @Test
  void aStaleCopyOfTheMinorityLeavesTheMajoritysLongerStream() {
    StoredStream minority = stream("e1", 100, "1", "2", "3");
    StoredStream majority = append(copy(minority), 100, "4", "5");
    Result r = merge(minority, majority);
    assertThat(r.outcome()).isEqualTo(Outcome.KEPT_EXISTING);
    assertThat(r.value()).isSameAs(majority);
    assertThat(payloads(r.value())).containsExactly("1", "2", "3", "4", "5");
  }

  @Test
  void identicalCopiesAreKept() {
    StoredStream a = stream("e1", 100, "1", "2");
    assertThat(merge(copy(a), a).outcome()).isEqualTo(Outcome.KEPT_EXISTING);
    assertThat(merge(stream("e1", 100), stream("e1", 100)).outcome()).isEqualTo(Outcome.KEPT_EXISTING);
  }

  @Test
  void aLongerMinorityCopyThatContinuesTheMajoritysWins() {
    StoredStream majority = stream("e1", 100, "1", "2", "3");
    StoredStream minority = append(copy(majority), 100, "4");
    Result r = merge(minority, majority);
    assertThat(r.outcome()).isEqualTo(Outcome.TOOK_MERGING);
    assertThat(r.value().epoch()).isEqualTo("e1");
    assertThat(payloads(r.value())).containsExactly("1", "2", "3", "4");
  }

  @Test
  void bothSidesAppendedAfterTheSplitMovesTheMajoritysStreamToANewEpoch() {
    StoredStream before = stream("e1", 100, "1", "2");
    StoredStream minority = append(copy(before), 100, "m3");
    StoredStream majority = append(copy(before), 100, "a3", "a4");
    Result r = merge(minority, majority);
    assertThat(r.outcome()).isEqualTo(Outcome.NEW_EPOCH);
    assertThat(r.previousEpoch()).isEqualTo("e1");
    assertThat(r.value().epoch()).isEqualTo("fresh1");
    // The majority acknowledged its appends: all of them stay, at their offsets, under the new epoch.
    assertThat(payloads(r.value())).containsExactly("1", "2", "a3", "a4");
    assertThat(r.value().top()).isEqualTo(4);
    // Its idempotency keys stay too: a publisher retrying a3 gets its offset, not a second copy.
    assertThat(r.value().append(encoded("x"), 100, TTL, TTL, "key-a3", NOW).toResult().position().offset()).isEqualTo(3);
  }

  @Test
  void aMinorityCopyAheadAtTheSameTopButDifferentIsADivergence() {
    StoredStream before = stream("e1", 100, "1");
    Result r = merge(append(copy(before), 100, "m2"), append(copy(before), 100, "a2"));
    assertThat(r.outcome()).isEqualTo(Outcome.NEW_EPOCH);
    assertThat(payloads(r.value())).containsExactly("1", "a2");
  }

  @Test
  void whenTheOverlapIsTrimmedAwayContinuityCannotBeProvenAndTheEpochMoves() {
    StoredStream minority = stream("e1", 3, "1", "2", "3");
    // The majority went on by more than history_size: offset 3 is no longer kept to compare with.
    StoredStream majority = append(copy(minority), 3, "4", "5", "6", "7");
    Result r = merge(minority, majority);
    assertThat(r.outcome()).isEqualTo(Outcome.NEW_EPOCH);
    assertThat(payloads(r.value())).containsExactly("5", "6", "7");
  }

  @Test
  void copiesOfDifferentEpochsAreDifferentStreamsAndTheExistingOneStays() {
    StoredStream majority = stream("e2", 100, "x");
    Result r = merge(stream("e1", 100, "1", "2", "3"), majority);
    assertThat(r.outcome()).isEqualTo(Outcome.KEPT_EXISTING);
    assertThat(r.value()).isSameAs(majority);
  }

  @Test
  void aStreamOnlyOneSideHasIsTakenUnlessItExpired() {
    StoredStream minority = stream("e1", 100, "1");
    assertThat(merge(minority, null).outcome()).isEqualTo(Outcome.TOOK_MERGING);
    Result expired = StreamMerge.decide(minority, null, NOW + 2 * TTL, () -> "fresh");
    assertThat(expired.outcome()).isEqualTo(Outcome.NOTHING);
    assertThat(expired.value()).isNull();
  }

  @Test
  void anExpiredExistingCopyCountsAsAbsent() {
    StoredStream existing = stream("e1", 100, "1");
    StoredStream minority = copy(existing);
    minority.append(encoded("2"), 100, TTL, 10 * TTL, null, NOW + TTL / 2);
    Result r = StreamMerge.decide(minority, existing, NOW + 2 * TTL, () -> "fresh");
    assertThat(r.outcome()).isEqualTo(Outcome.TOOK_MERGING);
  }

  @Test
  void continuityIsCheckedOnEveryKeptOffsetNotOnlyTheTop() {
    StoredStream a = stream("e1", 100, "1", "2", "3");
    StoredStream b = stream("e1", 100, "1", "X", "3", "4");
    assertThat(a.continuesInto(b)).isFalse();
    assertThat(a.continuesInto(append(copy(a), 100, "4"))).isTrue();
    assertThat(append(copy(a), 100, "4").continuesInto(a)).as("not ahead of it").isFalse();
  }
}
