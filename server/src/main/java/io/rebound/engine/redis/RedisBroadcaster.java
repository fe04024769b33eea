package io.rebound.engine.redis;

import io.rebound.bus.Addresses;
import io.rebound.engine.Broadcaster;
import io.rebound.bus.EventBusBroadcaster;
import io.rebound.engine.FanoutMessage;
import io.rebound.bus.FanoutMessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out through Redis pub/sub, for nodes that share a Redis but no Vert.x cluster.
 *
 * <p>Messages go to one of {@code shards} Redis channels {@code <prefix>.fanout.<n>}, chosen by the
 * Rebound channel's hash, so all messages of one channel travel through one Redis channel and stay
 * in publish order; publishes from this node share one pipelined connection, which keeps that order
 * up to Redis. Each node holds one subscriber connection to all shard channels and hands every
 * message to its local edges on {@link Addresses#FANOUT}.
 *
 * <p>Pub/sub is at most once: messages published while the subscriber is disconnected are lost. The
 * subscriber reconnects with backoff and resubscribes, then calls the {@link #onResubscribed}
 * listeners so edges can fill the gap from history.
 */
public final class RedisBroadcaster implements Broadcaster {

  public static final int DEFAULT_SHARDS = 16;
  private static final System.Logger LOG = System.getLogger(RedisBroadcaster.class.getName());
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(FanoutMessageCodec.NAME).setLocalOnly(true);

  private final Vertx vertx;
  private final String[] shardChannels;
  private final List<Runnable> resubscribed = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private RedisLink publisher;
  private RedisLink subscriber;

  private RedisBroadcaster(Vertx vertx, String prefix, int shards) {
    this.vertx = vertx;
    this.shardChannels = new String[shards];
    for (int i = 0; i < shards; i++) shardChannels[i] = prefix + ".fanout." + i;
  }

  /**
   * Opens the publisher and the subscriber links of {@code redis}; completes once this node is
   * subscribed to every shard channel. Messages go to the {@link Addresses#FANOUT} consumers of the
   * connections' Vert.x instance. Fails with {@link RedisUnavailableException} when Redis cannot be
   * reached now.
   */
  public static Future<RedisBroadcaster> start(RedisConnections redis, int shards) {
    if (shards <= 0) throw new IllegalArgumentException("shards must be > 0: " + shards);
    EventBusBroadcaster.registerCodec(redis.vertx());
    RedisBroadcaster broadcaster = new RedisBroadcaster(redis.vertx(), redis.keyPrefix(), shards);
    broadcaster.publisher = redis.link("fanout-publisher");
    broadcaster.subscriber = redis.link("fanout-subscriber", broadcaster::subscribe);
    return broadcaster.publisher.start()
        .compose(p -> broadcaster.subscriber.start())
        .map(s -> broadcaster)
        .recover(e -> broadcaster.close().transform(ignored -> Future.failedFuture(redis.unavailable(e))));
  }

  /** The Redis channel that carries {@code channel}'s messages. */
  public String shardChannel(String channel) {
    return shardChannels[(channel.hashCode() & 0x7fffffff) % shardChannels.length];
  }

  /** Completes when Redis has taken the message; fails with {@code RedisUnavailableException} when it cannot. */
  @Override
  public Future<Void> publish(FanoutMessage message) {
    return publisher.send(Request.cmd(Command.PUBLISH).arg(shardChannel(message.channel())).arg(message.encode())).mapEmpty();
  }

  /**
   * Registers {@code listener} to run after every resubscription that follows a lost subscriber
   * connection (not after the first subscription). Messages published between the loss and this call
   * were not delivered to this node.
   */
  public void onResubscribed(Runnable listener) {
    resubscribed.add(listener);
  }

  /** True while the subscriber connection is up. */
  public boolean isSubscribed() {
    return subscriber != null && subscriber.isUp();
  }

  /** Closes this broadcaster's two links; the shared {@link RedisConnections} stay open. */
  @Override
  public Future<Void> close() {
    if (publisher != null) publisher.close();
    if (subscriber != null) subscriber.close();
    return Future.succeededFuture();
  }

  /** Runs on each new subscriber connection, before it counts as up. */
  private Future<?> subscribe(RedisConnection conn) {
    // Vert.x 5 no longer forwards pushes to the event bus: this handler is the only way messages arrive.
    conn.handler(this::onPush);
    Request req = Request.cmd(Command.SUBSCRIBE);
    for (String ch : shardChannels) req.arg(ch);
    return conn.send(req).onSuccess(ok -> {
      if (subscriptions.getAndIncrement() == 0) return;
      LOG.log(System.Logger.Level.INFO, "fan-out subscriber resubscribed to {0} Redis channels", shardChannels.length);
      for (Runnable listener : resubscribed) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "resubscription listener failed", e);
        }
      }
    });
  }

  private void onPush(Response push) {
    // A pub/sub message is ["message", <redis channel>, <payload>]; subscribe confirmations also pass here.
    if (push == null || push.size() != 3 || !"message".equals(push.get(0).toString())) return;
    FanoutMessage msg;
    try {
      msg = FanoutMessage.decode(push.get(2).toBuffer());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "dropping undecodable fan-out message on " + push.get(1), e);
      return;
    }
    vertx.eventBus().publish(Addresses.FANOUT, msg, LOCAL);
  }
}
