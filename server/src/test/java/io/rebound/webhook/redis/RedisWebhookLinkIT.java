package io.rebound.webhook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.RedisOptions;
import io.rebound.testing.Await;
import io.rebound.testing.RedisServer;
import io.rebound.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook ledger's Redis link against a real redis-server behind a TCP proxy that can hold new connections. */
class RedisWebhookLinkIT {

  private RedisServer redis;
  private Vertx vertx;
  private TcpProxy proxy;

  @BeforeEach
  void start() {
    redis = RedisServer.startVolatile();
    vertx = Vertx.vertx();
    proxy = TcpProxy.start(vertx, List.of(redis.port()));
  }

  @AfterEach
  void stop() {
    proxy.close();
    Await.result(vertx.close());
    redis.close();
  }

  /**
   * A path that holds new connections for longer than the connect timeout, then lets them through: an attempt the
   * link gave up on completes late. It used to keep the pool's only slot, so the link never came back (the full
   * suite's RedisDeadNodeIT waited 60 s for it in three runs).
   */
  @Test
  void aConnectGivenUpOnThatCompletesLaterDoesNotKeepTheLinkDown() {
    AtomicInteger reconnects = new AtomicInteger();
    RedisOptions options = new RedisOptions("redis://127.0.0.1:" + proxy.port(), Duration.ofMillis(300), Duration.ofMillis(300), 1);
    RedisWebhookLink link = new RedisWebhookLink(vertx, options, reconnects::incrementAndGet);
    Await.result(link.start());
    assertThat(link.isUp()).isTrue();

    proxy.hold();
    proxy.dropAll();
    Await.until("the link saw the cut", Duration.ofSeconds(30), () -> !link.isUp());
    // Attempts time out after 600 ms each while held; the first of them still waits in the proxy when it lets go.
    long heldSince = System.nanoTime();
    Await.until("attempts given up on", Duration.ofSeconds(30), () -> System.nanoTime() - heldSince > 2_000_000_000L);
    assertThat(link.isUp()).isFalse();
    proxy.release();

    Await.until("the link is up again", Duration.ofSeconds(30), link::isUp);
    assertThat(reconnects.get()).isEqualTo(1);
    Await.result(link.send(Request.cmd(Command.PING)));
    Await.result(link.close());
  }
}
