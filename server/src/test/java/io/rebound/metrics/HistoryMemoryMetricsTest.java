package io.rebound.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryMemoryMetricsTest {

  @Test
  void theHistoryBudgetIsScrapedEvenAfterTheSuppliersAreOnlyHeldByTheRegistry() {
    BrokerMetrics metrics = new BrokerMetrics();
    AtomicLong held = new AtomicLong(1234);
    Runnable register = () -> metrics.historyMemory(held::get, () -> 4096, () -> 7);
    register.run();
    // Micrometer keeps gauge objects weakly unless told otherwise: force collections and scrape again.
    WeakReference<Object> probe = new WeakReference<>(new Object());
    while (probe.get() != null) System.gc();
    held.set(2345);
    assertThat(metrics.scrape())
        .contains("rebound_history_memory_bytes 2345.0")
        .contains("rebound_history_memory_limit_bytes 4096.0")
        .contains("rebound_history_streams_evicted_total 7.0");
  }
}
