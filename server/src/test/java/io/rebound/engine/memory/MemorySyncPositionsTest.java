package io.rebound.engine.memory;

import io.rebound.engine.SyncPositionStore;
import io.rebound.engine.SyncPositionStoreContractTest;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemorySyncPositionsTest extends SyncPositionStoreContractTest {

  @Override
  protected Future<SyncPositionStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemorySyncPositions());
  }

  @Test
  void advancesFreeExpiredEntriesOfOtherKeys() {
    AtomicLong now = new AtomicLong(1_000_000);
    MemorySyncPositions positions = new MemorySyncPositions(now::get);
    int n = 10 * MemorySyncPositions.CLEANUP_BATCH;
    for (int i = 0; i < n; i++) result(positions.advance("ch", "user-" + i, new StreamPosition(1, "e"), Duration.ofSeconds(5)));
    assertThat(positions.size()).isEqualTo(n);
    now.addAndGet(5_000);
    // Each advance examines a bounded batch, so a handful of advances frees every expired entry.
    for (int i = 0; i < n / MemorySyncPositions.CLEANUP_BATCH + 2; i++) {
      result(positions.advance("other", "user", new StreamPosition(i, "e"), Duration.ZERO));
    }
    assertThat(positions.size()).isEqualTo(1);
  }

  @Test
  void anExpiredEntryIsReplacedNotMaxed() {
    AtomicLong now = new AtomicLong(1_000_000);
    MemorySyncPositions positions = new MemorySyncPositions(now::get);
    result(positions.advance("ch", "u", new StreamPosition(9, "e"), Duration.ofSeconds(1)));
    now.addAndGet(999);
    assertThat(result(positions.get("ch", "u"))).isEqualTo(new StreamPosition(9, "e"));
    now.addAndGet(1);
    assertThat(result(positions.get("ch", "u"))).isNull();
    result(positions.advance("ch", "u", new StreamPosition(3, "e"), Duration.ofSeconds(1)));
    assertThat(result(positions.get("ch", "u"))).isEqualTo(new StreamPosition(3, "e"));
  }
}
