package io.rebound.engine.redis;

import io.rebound.config.RedisOptions;
import io.rebound.core.ClientInfo;
import io.rebound.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A rough figure, not a JMH benchmark: how long {@link RedisPresence} takes to add {@code N} members
 * spread over {@code C} channels, and how long one refresh pass over all of them takes (what every
 * node does every TTL / 3), against a local redis-server started here. Usage: {@code RedisPresenceBench [N] [C]}.
 */
public final class RedisPresenceBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int channels = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.startVolatile()) {
      // Roomy timeouts: a cold JVM on a shared machine; this measures throughput, not failure detection.
      RedisConnections connections = RedisConnections.create(vertx, new RedisOptions(redis.address(), Duration.ofSeconds(5), Duration.ofSeconds(5), 16));
      RedisPresence presence = get(RedisPresence.start(connections, Duration.ofHours(1)));
      long t0 = System.nanoTime();
      int window = 1_000; // adds in flight at a time, well under the link's pipelining limit
      for (int from = 0; from < n; from += window) {
        List<Future<Void>> adds = new ArrayList<>(window);
        for (int i = from; i < Math.min(n, from + window); i++) {
          adds.add(presence.add("bench:" + (i % channels), new ClientInfo("user-" + i, "client-" + i, "{\"name\":\"user " + i + "\"}", null)));
        }
        get(Future.all(adds));
      }
      double addSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("add     N=%d C=%d: %.2f s, %,.0f adds/s%n", n, channels, addSeconds, n / addSeconds);
      for (int run = 1; run <= 3; run++) {
        long r0 = System.nanoTime();
        get(presence.refresh());
        System.out.printf("refresh N=%d C=%d run %d: %d ms%n", n, channels, run, (System.nanoTime() - r0) / 1_000_000);
      }
      get(presence.close());
      get(connections.close());
    } finally {
      get(vertx.close());
    }
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
  }
}
