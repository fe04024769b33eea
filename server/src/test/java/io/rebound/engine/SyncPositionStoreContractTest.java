package io.rebound.engine;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.StreamPosition;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link SyncPositionStore} must meet. Each store's test class extends this one and
 * supplies {@link #newStore(Vertx)}; nothing here knows which store runs.
 */
@ExtendWith(VertxExtension.class)
public abstract class SyncPositionStoreContractTest {

  protected static final Duration LONG = Duration.ofMinutes(10);

  protected SyncPositionStore store;
  protected Vertx vertx;

  /** A ready store; called once per test. */
  protected abstract Future<SyncPositionStore> newStore(Vertx vertx);

  @BeforeEach
  void startStore(Vertx vertx) {
    this.vertx = vertx;
    store = result(newStore(vertx), 60);
  }

  @AfterEach
  void closeStore() {
    if (store != null) result(store.close());
  }

  /** Channel names unique per test, so stores with shared state (Redis, a cluster) need no cleanup. */
  protected static String channel() {
    return "sync:" + UUID.randomUUID();
  }

  protected StreamPosition get(String channel, String user) {
    return result(store.get(channel, user));
  }

  protected void advance(String channel, String user, long offset, String epoch, Duration ttl) {
    result(store.advance(channel, user, new StreamPosition(offset, epoch), ttl));
  }

  @Test
  void unknownPositionIsNull() {
    assertThat(get(channel(), "alice")).isNull();
  }

  @Test
  void advanceThenGet() {
    String ch = channel();
    advance(ch, "alice", 7, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(7, "e1"));
    assertThat(get(ch, "bob")).isNull();
    advance(ch, "alice", 9, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(9, "e1"));
  }

  @Test
  void advanceBackwardInTheSameEpochIsIgnored() {
    String ch = channel();
    advance(ch, "alice", 10, "e1", LONG);
    advance(ch, "alice", 4, "e1", LONG);
    advance(ch, "alice", 10, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(10, "e1"));
  }

  @Test
  void anotherEpochReplacesWhateverItsOffset() {
    String ch = channel();
    advance(ch, "alice", 10, "e1", LONG);
    advance(ch, "alice", 3, "e2", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(3, "e2"));
    advance(ch, "alice", 0, "", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(0, ""));
    advance(ch, "alice", 20, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(20, "e1"));
  }

  @Test
  void offsetsBeyondDoublePrecisionStayExact() {
    String ch = channel();
    long big = (1L << 53) + 1;
    advance(ch, "alice", big, "e1", LONG);
    advance(ch, "alice", big - 1, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(big, "e1"));
    advance(ch, "alice", Long.MAX_VALUE, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(Long.MAX_VALUE, "e1"));
  }

  @Test
  void positionExpiresTtlAfterTheLastAdvance() {
    String ch = channel();
    advance(ch, "alice", 5, "e1", Duration.ofSeconds(1));
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(5, "e1"));
    Await.until("position expiry", Duration.ofSeconds(15), () -> get(ch, "alice") == null);
    // After expiry nothing is stored: a lower offset of the same epoch is taken as it is.
    advance(ch, "alice", 2, "e1", LONG);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(2, "e1"));
  }

  @Test
  void zeroTtlRemovesAnEarlierExpiry() {
    String ch = channel();
    // "kept" gets its 1 s TTL before "probe", so had the zero TTL not removed it, it would expire first.
    advance(ch, "kept", 1, "e1", Duration.ofSeconds(1));
    advance(ch, "probe", 1, "e1", Duration.ofSeconds(1));
    advance(ch, "kept", 1, "e1", Duration.ZERO);
    Await.until("probe expiry", Duration.ofSeconds(15), () -> get(ch, "probe") == null);
    assertThat(get(ch, "kept")).isEqualTo(new StreamPosition(1, "e1"));
  }

  @Test
  void concurrentAdvancesFromManyCallersEndAtTheMax() throws Exception {
    String ch = channel();
    int callers = 8, perCaller = 50, total = callers * perCaller;
    List<Long> offsets = new ArrayList<>(LongStream.rangeClosed(1, total).boxed().toList());
    Collections.shuffle(offsets);
    List<Future<Void>> advances = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        List<Long> mine = offsets.subList(c * perCaller, (c + 1) * perCaller);
        submitted.add(pool.submit(() -> mine.forEach(o -> advances.add(store.advance(ch, "alice", new StreamPosition(o, "e1"), LONG)))));
      }
      for (var s : submitted) s.get();
    } finally {
      pool.shutdown();
    }
    result(Future.all(advances), 60);
    assertThat(get(ch, "alice")).isEqualTo(new StreamPosition(total, "e1"));
  }

  @Test
  void oddCharactersInChannelAndUserDoNotCollide() {
    String base = channel();
    List<String[]> pairs = List.of(
        new String[] {base + "a:b", "c"}, new String[] {base + "a", "b:c"}, new String[] {base + "a:b:c", ""},
        new String[] {base + "a", ":b:c"}, new String[] {base + "a:", "b:c"},
        new String[] {base + "x}y", "z"}, new String[] {base + "x", "}y:z"}, new String[] {base + "{x}", "y"},
        new String[] {base + "#", "#"}, new String[] {base + "##", ""}, new String[] {base + "%", "3A"}, new String[] {base, "%3A"},
        new String[] {base, ":"}, new String[] {base + "é😀", "ü"}, new String[] {base + "é", "😀ü"},
        new String[] {base + "$user", "user 1"}, new String[] {base + "$user", "user\t1"});
    for (int i = 0; i < pairs.size(); i++) advance(pairs.get(i)[0], pairs.get(i)[1], i + 1, "e1", LONG);
    for (int i = 0; i < pairs.size(); i++) {
      assertThat(get(pairs.get(i)[0], pairs.get(i)[1])).as("%s / %s", pairs.get(i)[0], pairs.get(i)[1])
          .isEqualTo(new StreamPosition(i + 1, "e1"));
    }
  }
}
