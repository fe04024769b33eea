package io.rebound.engine.hazelcast;

import static io.rebound.engine.hazelcast.WireRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import io.rebound.core.StreamPosition;
import org.junit.jupiter.api.Test;

/**
 * The advance processor without a cluster: it travels through the registered factory, and what the
 * owner ships to the backup, replayed on the backup's copy, gives the same position and TTL.
 */
class AdvanceSyncProcessorTest {

  private final FakeMapEntry<String, StoredSyncPosition> owner = new FakeMapEntry<>("5:chan1:alice");
  private final FakeMapEntry<String, StoredSyncPosition> backup = new FakeMapEntry<>("5:chan1:alice");

  private boolean run(long offset, String epoch, long ttlMs) {
    EntryProcessor<String, StoredSyncPosition, Boolean> onOwner = roundTrip(new AdvanceSyncProcessor(offset, epoch, ttlMs));
    boolean moved = onOwner.process(owner);
    roundTrip(onOwner.getBackupProcessor()).process(backup);
    assertThat(position(backup)).isEqualTo(position(owner));
    assertThat(backup.ttlMs).isEqualTo(owner.ttlMs);
    return moved;
  }

  @Test
  void advancesForwardKeepsTheMaxAndReplacesOnANewEpoch() {
    assertThat(run(5, "e1", 60_000)).isTrue();
    assertThat(run(3, "e1", 30_000)).isFalse();
    assertThat(position(owner)).isEqualTo(new StreamPosition(5, "e1"));
    assertThat(owner.ttlMs).isEqualTo(30_000);
    assertThat(run(1, "e2", 0)).isTrue();
    assertThat(position(owner)).isEqualTo(new StreamPosition(1, "e2"));
    assertThat(owner.ttlMs).isZero();
  }

  @Test
  void storedValueSurvivesSerialisation() {
    StoredSyncPosition back = roundTrip(new StoredSyncPosition(Long.MAX_VALUE, "é:}"));
    assertThat(back.toPosition()).isEqualTo(new StreamPosition(Long.MAX_VALUE, "é:}"));
  }

  private static StreamPosition position(FakeMapEntry<String, StoredSyncPosition> entry) {
    return entry.value == null ? null : entry.value.toPosition();
  }

}
