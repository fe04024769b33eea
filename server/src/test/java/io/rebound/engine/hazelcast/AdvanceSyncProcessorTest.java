package io.rebound.engine.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.rebound.core.StreamPosition;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The advance processor without a cluster: it travels through the registered factory, and what the
 * owner ships to the backup, replayed on the backup's copy, gives the same position and TTL.
 */
class AdvanceSyncProcessorTest {

  private final InternalSerializationService serialization = new DefaultSerializationServiceBuilder()
      .addDataSerializableFactory(HistorySerializerFactory.FACTORY_ID, new HistorySerializerFactory()).build();

  private final FakeEntry owner = new FakeEntry();
  private final FakeEntry backup = new FakeEntry();

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

  private static StreamPosition position(FakeEntry entry) {
    return entry.value == null ? null : entry.value.toPosition();
  }

  private <T> T roundTrip(T object) {
    return serialization.toObject(serialization.toData(object));
  }

  private static final class FakeEntry implements ExtendedMapEntry<String, StoredSyncPosition> {
    StoredSyncPosition value;
    long ttlMs = -1;

    @Override
    public String getKey() {
      return "5:chan1:alice";
    }

    @Override
    public StoredSyncPosition getValue() {
      return value;
    }

    @Override
    public StoredSyncPosition setValue(StoredSyncPosition v) {
      StoredSyncPosition old = value;
      value = v;
      return old;
    }

    @Override
    public StoredSyncPosition setValue(StoredSyncPosition v, long ttl, TimeUnit unit) {
      ttlMs = unit.toMillis(ttl);
      return setValue(v);
    }

    @Override
    public StoredSyncPosition setValueWithoutChangingExpiryTime(StoredSyncPosition v) {
      return setValue(v);
    }
  }
}
