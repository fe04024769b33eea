package io.rebound.engine.redis;

import static io.rebound.testing.Await.failure;
import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.RedisOptions;
import io.rebound.core.AppendResult;
import io.rebound.core.HistoryQuery;
import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.testing.Await;
import io.rebound.testing.RedisExtension;
import io.rebound.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RedisHistory when Redis goes away, freezes, comes back, or comes back without its data. */
class RedisHistoryFaultIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  private static final StreamOptions OPTS = StreamOptions.of(100, Duration.ofMinutes(10));

  /** An instance field: a server of its own for every test, since the tests stop, freeze and empty it. */
  @RegisterExtension
  final RedisExtension redisServer = RedisExtension.appendOnly();

  private RedisServer redis;
  private Vertx vertx;
  private RedisConnections connections;
  private RedisHistory history;

  @BeforeEach
  void start() {
    redis = redisServer.server();
    vertx = Vertx.vertx();
    // A roomy connect timeout: the first connect of a JVM on a loaded machine can take seconds, and
    // nothing here measures connects (a stopped Redis fails at once, a frozen one by the command timeout).
    connections = RedisConnections.create(vertx, new RedisOptions(redis.address(), Duration.ofSeconds(5), COMMAND_TIMEOUT, 2), "fault");
    history = result(RedisHistory.connect(connections));
  }

  @AfterEach
  void stop() {
    if (history != null) result(history.close());
    if (connections != null) result(connections.close());
    if (vertx != null) result(vertx.close());
  }

  private Future<AppendResult> append() {
    return history.append("ch", Publication.of("{\"x\":1}"), OPTS, null);
  }

  /** Retries until an append succeeds (the engine heals by itself), returning that append's position. */
  private StreamPosition appendWhenHealed() {
    StreamPosition[] got = new StreamPosition[1];
    Await.until("append succeeds again", Duration.ofSeconds(30), () -> {
      try {
        got[0] = append().toCompletionStage().toCompletableFuture().get().position();
        return true;
      } catch (Exception e) {
        assertThat(e.getCause()).isInstanceOf(RedisUnavailableException.class);
        return false;
      }
    });
    return got[0];
  }

  @Test
  void stoppedRedisFailsFastThenTheSameEngineHealsAndKeepsTheEpoch() {
    result(append());
    StreamPosition before = result(append()).position();
    redis.stop();

    long t0 = System.nanoTime();
    Throwable e = failure(append());
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(e).isInstanceOf(RedisUnavailableException.class).hasMessageContaining(redis.address().substring("redis://".length()));
    assertThat(elapsedMs).isLessThan(COMMAND_TIMEOUT.toMillis() + 1_000);
    // Down: further calls fail at once instead of each waiting for a connect.
    assertThat(failure(append())).isInstanceOf(RedisUnavailableException.class);

    redis.start(); // append-only file on: the data survives
    StreamPosition after = appendWhenHealed();
    assertThat(after.epoch()).isEqualTo(before.epoch());
    assertThat(after.offset()).isEqualTo(before.offset() + 1);
    HistoryResult all = result(history.read("ch", new HistoryQuery(null, HistoryQuery.NO_LIMIT, false), OPTS));
    assertThat(all.publications()).hasSize(3);
    assertThat(all.top()).isEqualTo(after);
  }

  @Test
  void frozenRedisTimesOutInsteadOfHanging() {
    result(append());
    redis.freeze();
    try {
      long t0 = System.nanoTime();
      Throwable e = failure(append());
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(e).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("within");
      assertThat(elapsedMs).isBetween(COMMAND_TIMEOUT.toMillis() - 100, COMMAND_TIMEOUT.toMillis() + 1_500);
    } finally {
      redis.thaw();
    }
    assertThat(appendWhenHealed().offset()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void redisThatLostItsDataGivesANewEpochFromOffsetOne() {
    result(append());
    StreamPosition before = result(append()).position();
    redis.restartEmpty();
    StreamPosition after = appendWhenHealed();
    assertThat(after.offset()).isEqualTo(1);
    assertThat(after.epoch()).isNotEqualTo(before.epoch());
  }
}
