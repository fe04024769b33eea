package io.rebound.engine;

import io.rebound.core.AppendResult;
import io.rebound.core.ClientInfo;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link HistoryEngine} must meet. Each engine's test class extends this one and
 * supplies {@link #newEngine(Vertx)}; nothing here knows which engine runs.
 */
@ExtendWith(VertxExtension.class)
public abstract class HistoryEngineContractTest {

  protected static final StreamOptions TEN_MINUTES = StreamOptions.of(100, Duration.ofMinutes(10));

  protected HistoryEngine engine;
  protected Vertx vertx;

  /** A ready engine; called once per test. */
  protected abstract Future<HistoryEngine> newEngine(Vertx vertx);

  @BeforeEach
  void startEngine(Vertx vertx) {
    this.vertx = vertx;
    engine = result(newEngine(vertx), 60);
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) result(engine.close());
  }

  /** Channel names unique per test, so engines with shared state (Redis, a cluster) need no cleanup. */
  protected static String channel() {
    return "test:" + UUID.randomUUID();
  }

  protected StreamPosition append(String ch, String data, StreamOptions opts) {
    AppendResult r = result(engine.append(ch, Publication.of(data), opts, null));
    assertThat(r.duplicate()).isFalse();
    return r.position();
  }

  protected HistoryResult read(String ch, HistoryQuery q, StreamOptions opts) {
    return result(engine.read(ch, q, opts));
  }

  private static List<Long> offsets(HistoryResult r) {
    return r.publications().stream().map(Publication::offset).collect(Collectors.toList());
  }

  @Test
  void emptyStreamHasTopZeroAndAnEpochTheFirstAppendKeeps() {
    String ch = channel();
    HistoryResult empty = read(ch, HistoryQuery.topOnly(), TEN_MINUTES);
    assertThat(empty.publications()).isEmpty();
    assertThat(empty.top().offset()).isZero();
    assertThat(empty.top().epoch()).isNotEmpty();
    assertThat(read(ch, HistoryQuery.topOnly(), TEN_MINUTES).top()).isEqualTo(empty.top());

    StreamPosition first = append(ch, "{\"n\":1}", TEN_MINUTES);
    assertThat(first).isEqualTo(new StreamPosition(1, empty.top().epoch()));
  }

  @Test
  void offsetsGrowByOneAndReadsKeepOrderAndPayload() {
    String ch = channel();
    String epoch = null;
    for (int i = 1; i <= 5; i++) {
      StreamPosition p = append(ch, "{\"n\":" + i + "}", TEN_MINUTES);
      assertThat(p.offset()).isEqualTo(i);
      if (epoch == null) epoch = p.epoch();
      assertThat(p.epoch()).isEqualTo(epoch);
    }
    HistoryResult all = read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), TEN_MINUTES);
    assertThat(offsets(all)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.publications().get(2).data().text()).isEqualTo("{\"n\":3}");
    assertThat(all.top()).isEqualTo(new StreamPosition(5, epoch));
  }

  @Test
  void payloadInfoAndTagsSurviveStorageByteForByte() {
    String ch = channel();
    String data = "{\"text\":\"h\\u00e9llo \u00e9 \uD83D\uDE00\",\"n\":1.10,\"big\":12345678901234567890}";
    ClientInfo info = new ClientInfo("alice", "c-1", "{\"name\":\"Alice\"}", "{\"role\":\"op\"}");
    result(engine.append(ch, new Publication(0, data, info, Map.of("k", "v", "x", "y")), TEN_MINUTES, null));
    Publication back = read(ch, new HistoryQuery(null, 10, false), TEN_MINUTES).publications().get(0);
    assertThat(back).isEqualTo(new Publication(1, data, info, Map.of("k", "v", "x", "y")));
  }

  @Test
  void appendTrimsToHistorySize() {
    String ch = channel();
    StreamOptions three = StreamOptions.of(3, Duration.ofMinutes(10));
    for (int i = 1; i <= 7; i++) append(ch, "{\"n\":" + i + "}", three);
    HistoryResult r = read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), three);
    assertThat(offsets(r)).containsExactly(5L, 6L, 7L);
    assertThat(r.top().offset()).isEqualTo(7);
  }

  @Test
  void sinceAndLimitSelectForward() {
    String ch = channel();
    for (int i = 1; i <= 6; i++) append(ch, "{\"n\":" + i + "}", TEN_MINUTES);
    String epoch = read(ch, HistoryQuery.topOnly(), TEN_MINUTES).top().epoch();
    assertThat(offsets(read(ch, HistoryQuery.since(new StreamPosition(2, epoch), HistoryQuery.NO_LIMIT), TEN_MINUTES)))
        .containsExactly(3L, 4L, 5L, 6L);
    assertThat(offsets(read(ch, HistoryQuery.since(new StreamPosition(2, epoch), 2), TEN_MINUTES))).containsExactly(3L, 4L);
    assertThat(offsets(read(ch, HistoryQuery.since(new StreamPosition(6, epoch), 10), TEN_MINUTES))).isEmpty();
    assertThat(offsets(read(ch, new HistoryQuery(null, 2, false), TEN_MINUTES))).containsExactly(1L, 2L);
    HistoryResult none = read(ch, HistoryQuery.topOnly(), TEN_MINUTES);
    assertThat(none.publications()).isEmpty();
    assertThat(none.top().offset()).isEqualTo(6);
  }

  @Test
  void reverseReadsNewestFirst() {
    String ch = channel();
    for (int i = 1; i <= 6; i++) append(ch, "{\"n\":" + i + "}", TEN_MINUTES);
    String epoch = read(ch, HistoryQuery.topOnly(), TEN_MINUTES).top().epoch();
    assertThat(offsets(read(ch, new HistoryQuery(null, 3, true), TEN_MINUTES))).containsExactly(6L, 5L, 4L);
    assertThat(offsets(read(ch, new HistoryQuery(new StreamPosition(4, epoch), HistoryQuery.NO_LIMIT, true), TEN_MINUTES)))
        .containsExactly(3L, 2L, 1L);
    assertThat(offsets(read(ch, new HistoryQuery(new StreamPosition(4, epoch), 2, true), TEN_MINUTES)))
        .containsExactly(3L, 2L);
  }

  @Test
  void channelsAreIndependentStreams() {
    String a = channel(), b = channel();
    append(a, "{}", TEN_MINUTES);
    append(a, "{}", TEN_MINUTES);
    StreamPosition pb = append(b, "{}", TEN_MINUTES);
    assertThat(pb.offset()).isEqualTo(1);
    assertThat(read(a, HistoryQuery.topOnly(), TEN_MINUTES).top().offset()).isEqualTo(2);
  }

  @Test
  void concurrentAppendsGetEveryOffsetExactlyOnce() {
    String ch = channel();
    int n = 200;
    List<Future<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < n; i++) appends.add(engine.append(ch, Publication.of("{\"i\":" + i + "}"), StreamOptions.of(1000, Duration.ofMinutes(10)), null));
    result(Future.all(appends), 60);
    Set<Long> offsets = new HashSet<>();
    Set<String> epochs = new HashSet<>();
    for (Future<AppendResult> f : appends) {
      offsets.add(f.result().position().offset());
      epochs.add(f.result().position().epoch());
    }
    assertThat(offsets).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
    assertThat(epochs).hasSize(1);
    HistoryResult all = read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), StreamOptions.of(1000, Duration.ofMinutes(10)));
    assertThat(offsets(all)).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
  }

  @Test
  void idempotencyKeyAppendsOnce() {
    String ch = channel();
    AppendResult first = result(engine.append(ch, Publication.of("{\"a\":1}"), TEN_MINUTES, "key-1"));
    AppendResult again = result(engine.append(ch, Publication.of("{\"a\":1}"), TEN_MINUTES, "key-1"));
    AppendResult other = result(engine.append(ch, Publication.of("{\"a\":2}"), TEN_MINUTES, "key-2"));
    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.position()).isEqualTo(first.position());
    assertThat(other.position().offset()).isEqualTo(2);
    assertThat(read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), TEN_MINUTES).publications()).hasSize(2);
  }

  @Test
  void removeDropsPublicationsButKeepsThePosition() {
    String ch = channel();
    append(ch, "{}", TEN_MINUTES);
    StreamPosition top = append(ch, "{}", TEN_MINUTES);
    result(engine.remove(ch));
    HistoryResult r = read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), TEN_MINUTES);
    assertThat(r.publications()).isEmpty();
    assertThat(r.top()).isEqualTo(top);
    assertThat(append(ch, "{}", TEN_MINUTES)).isEqualTo(new StreamPosition(3, top.epoch()));
  }

  @Test
  void ttlExpiryDropsTheStreamAndTheNextAppendStartsANewEpoch() {
    String ch = channel();
    StreamOptions shortLived = StreamOptions.of(100, Duration.ofSeconds(1));
    append(ch, "{}", shortLived);
    StreamPosition before = append(ch, "{}", shortLived);
    Await.until("stream expiry", Duration.ofSeconds(15), () -> {
      HistoryResult r = read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), shortLived);
      return r.publications().isEmpty() && r.top().offset() == 0;
    });
    StreamPosition after = append(ch, "{}", shortLived);
    assertThat(after.offset()).isEqualTo(1);
    assertThat(after.epoch()).isNotEqualTo(before.epoch());
  }

  @Test
  void longerMetaTtlKeepsThePositionAfterPublicationsExpire() {
    String ch = channel();
    StreamOptions opts = new StreamOptions(100, Duration.ofSeconds(1), Duration.ofMinutes(10));
    append(ch, "{}", opts);
    StreamPosition top = append(ch, "{}", opts);
    Await.until("publication expiry", Duration.ofSeconds(15),
        () -> read(ch, new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), opts).publications().isEmpty());
    assertThat(read(ch, HistoryQuery.topOnly(), opts).top()).isEqualTo(top);
    assertThat(append(ch, "{}", opts)).isEqualTo(new StreamPosition(3, top.epoch()));
  }
}
