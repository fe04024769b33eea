package io.rebound.engine.memory;

import io.rebound.core.AppendResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.engine.HistoryEngine;
import io.rebound.engine.HistoryEngineContractTest;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryHistoryTest extends HistoryEngineContractTest {

  @Override
  protected Future<HistoryEngine> newEngine(Vertx vertx) {
    return Future.succeededFuture(new MemoryHistory());
  }

  @Test
  void sweepFreesExpiredStreams() {
    AtomicLong now = new AtomicLong(1_000_000);
    MemoryHistory history = new MemoryHistory(now::get);
    StreamOptions opts = StreamOptions.of(10, Duration.ofSeconds(5));
    result(history.append("a", Publication.of("{}"), opts, null));
    result(history.append("b", Publication.of("{}"), opts, null));
    assertThat(history.sweep()).isEqualTo(2);
    now.addAndGet(5_000);
    assertThat(history.sweep()).isZero();
  }

  @Test
  void idempotencyKeysAreForgottenAfterTheWindow() {
    AtomicLong now = new AtomicLong(1_000_000);
    MemoryHistory history = new MemoryHistory(now::get);
    StreamOptions opts = StreamOptions.of(10, Duration.ofHours(1));
    result(history.append("a", Publication.of("{}"), opts, "k"));
    now.addAndGet(HistoryEngine.IDEMPOTENCY_WINDOW_MS);
    AppendResult later = result(history.append("a", Publication.of("{}"), opts, "k"));
    assertThat(later.duplicate()).isFalse();
    assertThat(later.position().offset()).isEqualTo(2);
  }
}
