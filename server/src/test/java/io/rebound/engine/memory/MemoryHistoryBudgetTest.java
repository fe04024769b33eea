package io.rebound.engine.memory;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.engine.HistoryEngine;
import io.rebound.recovery.RecoveryDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The memory engine's bounds: reads create nothing, the streams' bytes stay within {@code
 * history_memory_limit} by evicting whole least-recently-used streams, and a client of an evicted
 * stream is told it cannot recover (new epoch), never given a gap.
 */
class MemoryHistoryBudgetTest {

  private static final StreamOptions HOUR = StreamOptions.of(100, Duration.ofHours(1));
  private static final String KB = "x".repeat(1000);
  /** What one stream of a one-letter channel holding one KB publication weighs. */
  private static final long ONE_KB_STREAM = MemoryStream.STREAM_OVERHEAD + 2 + MemoryStream.PUBLICATION_OVERHEAD + KB.length();

  private final AtomicLong now = new AtomicLong(1_000_000);

  private static StreamPosition append(MemoryHistory h, String channel, String data) {
    return result(h.append(channel, Publication.of(data), HOUR, null)).position();
  }

  private static HistoryResult read(MemoryHistory h, String channel, StreamPosition since) {
    return result(h.read(channel, since == null ? HistoryQuery.topOnly() : HistoryQuery.since(since, 301), HOUR));
  }

  private static boolean recovers(MemoryHistory h, String channel, StreamPosition at) {
    return RecoveryDecision.decide(at, read(h, channel, at), 300).recovered();
  }

  @Test
  void readsOfUnknownChannelsCreateNoStream() {
    MemoryHistory history = new MemoryHistory(1 << 20, now::get);
    for (int i = 0; i < 100_000; i++) {
      HistoryResult r = read(history, "unknown:" + i, null);
      assertThat(r.top().offset()).isZero();
    }
    assertThat(history.sweep()).isZero();
    assertThat(history.heldBytes()).isZero();
  }

  @Test
  void aReaderOfAChannelWithoutAStreamContinuesAcrossItsFirstPublication() {
    MemoryHistory history = new MemoryHistory(1 << 20, now::get);
    StreamPosition seen = read(history, "c", null).top();
    assertThat(seen.offset()).isZero();
    assertThat(seen.epoch()).isNotEmpty().isEqualTo(read(history, "c", null).top().epoch());
    assertThat(append(history, "c", "{}")).isEqualTo(new StreamPosition(1, seen.epoch()));
    assertThat(recovers(history, "c", seen)).isTrue();
  }

  @Test
  void theLeastRecentlyUsedWholeStreamIsEvicted() {
    MemoryHistory history = new MemoryHistory(3 * ONE_KB_STREAM + 100, now::get);
    StreamPosition a = append(history, "a", KB);
    StreamPosition b = append(history, "b", KB);
    append(history, "c", KB);
    assertThat(history.heldBytes()).isEqualTo(3 * ONE_KB_STREAM);
    read(history, "a", null); // a read is a use: b is now the least recently used

    append(history, "d", KB);

    assertThat(history.evictedStreams()).isEqualTo(1);
    assertThat(history.heldBytes()).isEqualTo(3 * ONE_KB_STREAM).isLessThanOrEqualTo(history.memoryLimit());
    assertThat(read(history, "a", null).top()).isEqualTo(a);
    assertThat(recovers(history, "a", new StreamPosition(0, a.epoch()))).isTrue();
    // b is gone: its clients are told, at any position of its epoch, and it comes back with a new epoch
    HistoryResult gone = read(history, "b", null);
    assertThat(gone.top().offset()).isZero();
    assertThat(gone.top().epoch()).isNotEqualTo(b.epoch());
    assertThat(recovers(history, "b", b)).isFalse();
    assertThat(recovers(history, "b", new StreamPosition(0, b.epoch()))).isFalse();
    StreamPosition reborn = append(history, "b", KB);
    assertThat(reborn.offset()).isEqualTo(1);
    assertThat(reborn.epoch()).isNotEqualTo(b.epoch());
    assertThat(recovers(history, "b", b)).isFalse();
  }

  @Test
  void aReaderThatSawNoStreamIsToldWhenTheStreamWasEvictedMeanwhile() {
    MemoryHistory history = new MemoryHistory(2 * ONE_KB_STREAM + 100, now::get);
    StreamPosition before = read(history, "a", null).top(); // a subscriber of a channel without a stream
    append(history, "a", KB);                                 // it goes away; "a" gets a publication
    append(history, "b", KB);
    append(history, "c", KB);                                 // ... and "a" is evicted before it is back
    assertThat(history.evictedStreams()).isEqualTo(1);
    assertThat(recovers(history, "a", before)).isFalse();
    append(history, "a", KB);
    assertThat(recovers(history, "a", before)).isFalse();
  }

  @Test
  void oneStreamLargerThanTheBudgetKeepsItsNewestPublications() {
    MemoryHistory history = new MemoryHistory(5_000, now::get);
    StreamPosition first = append(history, "a", KB);
    StreamPosition last = null;
    for (int i = 0; i < 9; i++) last = append(history, "a", KB);
    assertThat(last.offset()).isEqualTo(10);
    assertThat(history.heldBytes()).isLessThanOrEqualTo(5_000);
    HistoryResult all = read(history, "a", new StreamPosition(0, first.epoch()));
    assertThat(all.top()).isEqualTo(last);
    assertThat(all.publications()).isNotEmpty();
    assertThat(all.publications().get(all.publications().size() - 1).offset()).isEqualTo(10);
    assertThat(recovers(history, "a", first)).as("trimmed, as by history_size").isFalse();
    assertThat(recovers(history, "a", new StreamPosition(9, last.epoch()))).isTrue();
  }

  @Test
  void idempotencyKeysAreChargedAndReleased() {
    MemoryHistory history = new MemoryHistory(1 << 20, now::get);
    append(history, "a", "{}");
    long base = history.heldBytes();
    for (int i = 0; i < 100; i++) result(history.append("a", Publication.of("{}"), StreamOptions.of(1, Duration.ofHours(1)), "key-" + i));
    long withKeys = history.heldBytes();
    assertThat(withKeys - base).isGreaterThanOrEqualTo(100L * MemoryStream.KEY_OVERHEAD);
    now.addAndGet(HistoryEngine.IDEMPOTENCY_WINDOW_MS);
    result(history.append("a", Publication.of("{}"), StreamOptions.of(1, Duration.ofHours(1)), "later"));
    assertThat(history.heldBytes()).isLessThan(base + 2L * MemoryStream.KEY_OVERHEAD + 100);
  }

  @Test
  void expiryAndRemovalGiveTheBytesBack() {
    MemoryHistory history = new MemoryHistory(1 << 20, now::get);
    StreamOptions longMeta = new StreamOptions(100, Duration.ofSeconds(10), Duration.ofMinutes(10));
    result(history.append("a", Publication.of(KB), longMeta, null));
    result(history.append("b", Publication.of(KB), StreamOptions.of(100, Duration.ofSeconds(10)), null));
    append(history, "c", KB);
    history.remove("c");
    long streamsOnly = 3L * (MemoryStream.STREAM_OVERHEAD + 2);
    assertThat(history.heldBytes()).isEqualTo(streamsOnly + 2 * (MemoryStream.PUBLICATION_OVERHEAD + KB.length()));
    now.addAndGet(10_000);
    assertThat(history.sweep()).isEqualTo(2); // b expired whole; a keeps its position without publications
    assertThat(history.heldBytes()).isEqualTo(2L * (MemoryStream.STREAM_OVERHEAD + 2));
  }

  @Test
  void concurrentAppendsAndEvictionsKeepTheCountExact() throws Exception {
    MemoryHistory history = new MemoryHistory(50 * ONE_KB_STREAM, now::get);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            String channel = Integer.toString((i * 7 + thread) % 300);
            if (i % 3 == 0) read(history, channel, null);
            else result(history.append(channel, Publication.of(KB), StreamOptions.of(3, Duration.ofSeconds(1)), i % 5 == 0 ? "k" + i : null));
          }
        }));
      }
      for (Future<?> f : work) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(history.evictedStreams()).isPositive();
    assertThat(history.heldBytes()).isLessThanOrEqualTo(history.memoryLimit() + 4 * ONE_KB_STREAM);
    now.addAndGet(1_000);
    assertThat(history.sweep()).isZero();
    assertThat(history.heldBytes()).as("every byte charged was released").isZero();
  }
}
