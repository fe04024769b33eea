package io.rebound.engine.redis;

import io.rebound.bus.ChannelInterests;
import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutCounts;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.FanoutReceiver;
import io.rebound.engine.LocalReceivers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out through Redis pub/sub, routed by interest, for nodes that share a Redis but no Vert.x
 * cluster (as Centrifugo's Redis engine does).
 *
 * <p>Each Rebound channel has its own Redis channel {@code <prefix>.fanout.ch.<channel>}; publishes
 * from this node share one pipelined connection, which keeps one channel's messages in publish order
 * up to Redis. A node SUBSCRIBEs to a channel's Redis channel while its edges have subscribers of it
 * ({@link ChannelInterests}: reference-counted, UNSUBSCRIBEd after a linger), on its one subscriber
 * connection, and hands what arrives to the node's receivers of the channel ({@link LocalReceivers}). An interest is
 * routed once Redis has confirmed the SUBSCRIBE: every PUBLISH Redis runs after that reaches this node.
 *
 * <p>Pub/sub is at most once: messages published while the subscriber is disconnected are lost. The
 * subscriber reconnects with backoff and SUBSCRIBEs to every channel of interest again, then calls
 * the {@link #onResubscribed} listeners so edges can fill the gap from history.
 */
public final class RedisBroadcaster implements Broadcaster {

  private static final System.Logger LOG = System.getLogger(RedisBroadcaster.class.getName());

  private final Vertx vertx;
  private final String prefix;
  private final List<Runnable> resubscribed = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final FanoutCounts received = new FanoutCounts();
  private final LocalReceivers receivers = new LocalReceivers();
  private final ChannelInterests interests;
  /** Where SUBSCRIBE and UNSUBSCRIBE are sent from, one after another, so Redis sees them in the order they were decided. */
  private final Context commands;
  /**
   * SUBSCRIBEs not yet confirmed by Redis, by Redis channel, oldest first. The Redis client completes a pub/sub
   * command once it is written, not once Redis has run it, so an interest "routed" on that could miss a PUBLISH that
   * another node sent meanwhile (RedisBroadcasterIT, the contract's "routed everywhere when it completes", failed so
   * about once in a few runs). Redis's own confirmation, a ["subscribe", channel, count] push, completes them.
   */
  private final Map<String, Queue<Promise<Void>>> unconfirmed = new ConcurrentHashMap<>();
  private RedisLink publisher;
  private RedisLink subscriber;

  private RedisBroadcaster(Vertx vertx, String keyPrefix) {
    this.vertx = vertx;
    this.prefix = keyPrefix + ".fanout.ch.";
    this.commands = vertx.getOrCreateContext();
    this.interests = new ChannelInterests(vertx, new ChannelInterests.Registrar() {
      @Override
      public Future<Void> register(String channel) {
        Promise<Void> confirmed = confirmationOf(redisChannel(channel));
        subscriberCommand(Request.cmd(Command.SUBSCRIBE).arg(redisChannel(channel))).onFailure(e -> {
          if (forget(redisChannel(channel), confirmed)) confirmed.fail(e);
        });
        return confirmed.future();
      }

      @Override
      public void unregister(String channel) {
        subscriberCommand(Request.cmd(Command.UNSUBSCRIBE).arg(redisChannel(channel)));
      }
    });
  }

  /**
   * Opens the publisher and the subscriber links of {@code redis}; completes once both are up.
   * Messages go to the receivers that take an interest here ({@link #interest}). Fails
   * with {@link RedisUnavailableException} when Redis cannot be reached now.
   */
  public static Future<RedisBroadcaster> start(RedisConnections redis) {
    RedisBroadcaster broadcaster = new RedisBroadcaster(redis.vertx(), redis.keyPrefix());
    broadcaster.publisher = redis.link("fanout-publisher");
    broadcaster.subscriber = redis.link("fanout-subscriber", broadcaster::subscribe);
    return broadcaster.publisher.start()
        .compose(p -> broadcaster.subscriber.start())
        .map(s -> broadcaster)
        .recover(e -> broadcaster.close().transform(ignored -> Future.failedFuture(redis.unavailable(e))));
  }

  /** The Redis channel that carries {@code channel}'s messages. */
  public String redisChannel(String channel) {
    return prefix + channel;
  }

  /** Completes when Redis has taken the message; fails with {@code RedisUnavailableException} when it cannot. */
  @Override
  public Future<Void> publish(FanoutMessage message) {
    return publisher.send(Request.cmd(Command.PUBLISH).arg(redisChannel(message.channel())).arg(message.encode())).mapEmpty();
  }

  @Override
  public Future<Void> interest(String channel, FanoutReceiver receiver) {
    receivers.add(channel, receiver);
    return interests.acquire(channel);
  }

  @Override
  public void release(String channel, FanoutReceiver receiver) {
    receivers.remove(channel, receiver);
    interests.release(channel);
  }

  @Override
  public Future<Void> routed(String channel) {
    return interests.routed(channel);
  }

  @Override
  public FanoutCounts received() {
    return received;
  }

  /** Channels this node is SUBSCRIBEd to (subscribed or lingering). */
  public int listenedChannels() {
    return interests.size();
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

  /** Sends a (UN)SUBSCRIBE on the subscriber link from {@link #commands}; completes once it is written. */
  private Future<Void> subscriberCommand(Request request) {
    Promise<Void> confirmed = Promise.promise();
    commands.runOnContext(v -> subscriber.send(request).<Void>mapEmpty().onComplete(confirmed));
    return confirmed.future();
  }

  /** Runs on each new subscriber connection, before it counts as up: SUBSCRIBEs to every channel of interest. */
  private Future<?> subscribe(RedisConnection conn) {
    // Vert.x 5 no longer forwards pushes to the event bus: this handler is the only way messages arrive.
    conn.handler(this::onPush);
    List<String> channels = interests.channels();
    // One SUBSCRIBE with every channel: Redis confirms them in order, so the last confirmation comes after all of it ran.
    Future<?> sent;
    if (channels.isEmpty()) {
      sent = conn.send(Request.cmd(Command.PING));
    } else {
      Promise<Void> last = confirmationOf(redisChannel(channels.get(channels.size() - 1)));
      conn.send(subscribeAll(channels)).onFailure(e -> {
        if (forget(redisChannel(channels.get(channels.size() - 1)), last)) last.fail(e);
      });
      sent = last.future();
    }
    return sent.onSuccess(ok -> {
      if (subscriptions.getAndIncrement() == 0) return;
      LOG.log(System.Logger.Level.INFO, "fan-out subscriber resubscribed to {0} Redis channels", channels.size());
      for (Runnable listener : resubscribed) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "resubscription listener failed", e);
        }
      }
    });
  }

  private Request subscribeAll(List<String> channels) {
    Request req = Request.cmd(Command.SUBSCRIBE);
    for (String ch : channels) req.arg(redisChannel(ch));
    return req;
  }

  /** A promise completed by Redis's next confirmation of a SUBSCRIBE to {@code redisChannel}. */
  private Promise<Void> confirmationOf(String redisChannel) {
    Promise<Void> confirmed = Promise.promise();
    // Every change of a channel's queue happens inside the map's per-key compute, so none is lost to a removal.
    unconfirmed.compute(redisChannel, (c, waiting) -> {
      Queue<Promise<Void>> queue = waiting == null ? new ArrayDeque<>(1) : waiting;
      queue.add(confirmed);
      return queue;
    });
    return confirmed;
  }

  /** Drops {@code confirmed} from the waiting ones (its SUBSCRIBE was never written); whether it was there. */
  private boolean forget(String redisChannel, Promise<Void> confirmed) {
    boolean[] removed = new boolean[1];
    unconfirmed.computeIfPresent(redisChannel, (c, waiting) -> {
      removed[0] = waiting.remove(confirmed);
      return waiting.isEmpty() ? null : waiting;
    });
    return removed[0];
  }

  private void onSubscribed(String redisChannel) {
    List<Promise<Void>> next = new ArrayList<>(1);
    unconfirmed.computeIfPresent(redisChannel, (c, waiting) -> {
      Promise<Void> oldest = waiting.poll();
      if (oldest != null) next.add(oldest);
      return waiting.isEmpty() ? null : waiting;
    });
    next.forEach(Promise::tryComplete);
  }

  private void onPush(Response push) {
    // A pub/sub message is ["message", <redis channel>, <payload>]; a confirmation ["subscribe", <redis channel>, <count>].
    if (push == null || push.size() != 3) return;
    String kind = push.get(0).toString();
    if ("subscribe".equals(kind)) {
      onSubscribed(push.get(1).toString());
      return;
    }
    if (!"message".equals(kind)) return;
    FanoutMessage msg;
    try {
      msg = FanoutMessage.decode(push.get(2).toBuffer());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "dropping undecodable fan-out message on " + push.get(1), e);
      return;
    }
    received.cluster();
    receivers.deliver(msg);
  }
}
