package io.rebound.bus;

import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutCounts;
import io.rebound.engine.FanoutMessage;
import io.rebound.engine.FanoutReceiver;
import io.rebound.engine.LocalReceivers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out over the Vert.x event bus, routed by interest: in-process for a single node, to the members
 * that want the channel when Vert.x is clustered. A message goes to this node's receivers of its
 * channel directly ({@link LocalReceivers}), and once, signed ({@link SignedFanout}), to its channel's
 * cluster address ({@link Addresses#fanoutOf}). A node listens on a channel's address only while its
 * edges have subscribers of the channel ({@link ChannelInterests}: reference-counted, released after
 * a linger); the listener checks the signature and hands the message to its own receivers. An interest
 * completes only once every other node is known to route the channel here ({@link
 * RouteConfirmations}). Edges listen on no event-bus address, so a process that reaches the event bus without
 * the cluster secret cannot put a message in front of a client (README, "Trust model").
 */
public final class EventBusBroadcaster implements Broadcaster {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBroadcaster.class);
  private static final DeliveryOptions SIGNED = new DeliveryOptions().setCodecName(SignedFanoutCodec.NAME);

  private final Vertx vertx;
  private final ClusterSigner signer;
  private final AtomicLong forged = new AtomicLong();
  private final FanoutCounts received = new FanoutCounts();
  private final LocalReceivers receivers = new LocalReceivers();
  private final Map<String, MessageConsumer<Object>> listeners = new ConcurrentHashMap<>();
  private final ChannelInterests interests;
  private final RouteConfirmations confirmations;

  private EventBusBroadcaster(Vertx vertx, ClusterSigner signer) {
    this.vertx = vertx;
    this.signer = signer;
    this.confirmations = vertx.isClustered() ? new RouteConfirmations(vertx, signer) : null;
    this.interests = new ChannelInterests(vertx, new ChannelInterests.Registrar() {
      @Override
      public Future<Void> register(String channel) {
        return listen(channel);
      }

      @Override
      public void unregister(String channel) {
        MessageConsumer<Object> listener = listeners.remove(channel);
        if (listener != null) listener.unregister();
      }
    });
  }

  /**
   * A broadcaster whose answers to the other nodes' route probes are registered (cluster-wide) when
   * the future completes; {@code signer} signs and checks messages between nodes.
   */
  public static Future<EventBusBroadcaster> start(Vertx vertx, ClusterSigner signer) {
    registerCodecs(vertx, signer);
    EventBusBroadcaster b = new EventBusBroadcaster(vertx, signer);
    return b.confirmations == null ? Future.succeededFuture(b) : b.confirmations.start().map(b);
  }

  @Override
  public Future<Void> publish(FanoutMessage message) {
    received.local();
    receivers.deliver(message);
    if (confirmations != null) vertx.eventBus().publish(Addresses.fanoutOf(message.channel()), SignedFanout.toSend(message, signer), SIGNED);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> interest(String channel, FanoutReceiver receiver) {
    receivers.add(channel, receiver);
    return confirmations == null ? Future.succeededFuture() : interests.acquire(channel);
  }

  @Override
  public void release(String channel, FanoutReceiver receiver) {
    receivers.remove(channel, receiver);
    if (confirmations != null) interests.release(channel);
  }

  @Override
  public Future<Void> routed(String channel) {
    return confirmations == null ? Future.succeededFuture() : interests.routed(channel);
  }

  @Override
  public FanoutCounts received() {
    return received;
  }

  /** Messages refused for a bad signature since start. */
  public long forged() {
    return forged.get();
  }

  /** Channels whose cluster address this node listens on (subscribed or lingering). */
  public int listenedChannels() {
    return interests.size();
  }

  /** Listens on {@code channel}'s cluster address; completes when every other node routes it here. */
  private Future<Void> listen(String channel) {
    MessageConsumer<Object> listener = consumer(channel);
    listeners.put(channel, listener);
    return listener.completion().compose(v -> confirmations.confirm(channel));
  }

  /**
   * Registers every channel this node listens on again, and completes once each new registration is confirmed (or
   * its confirmation gave up). For a member that has merged back after a network partition: while the sides were
   * apart, the other side dropped this node's registrations from its view, and the merge brings the entries back
   * without an event — Vert.x's republishing of them is a write of what is already there, which tells nobody — so the
   * other nodes kept routing this node's channels elsewhere (SplitBrainIT: a subscriber on the healed node got its
   * own node's publications and none of the others'). A new registration is a new entry: its event refreshes every
   * node's view, and the route is confirmed as at a first subscribe. The old registration is dropped once the new one
   * is confirmed; until then it ignores what it receives (one relay per message).
   */
  public Future<Void> reroute() {
    if (confirmations == null) return Future.succeededFuture();
    List<Future<?>> confirmed = new ArrayList<>();
    confirmed.add(confirmations.reregister()); // the other nodes' probes must reach this node again too
    for (String channel : listeners.keySet()) {
      List<MessageConsumer<Object>> replaced = new ArrayList<>(1);
      MessageConsumer<Object> fresh = listeners.computeIfPresent(channel, (c, old) -> {
        replaced.add(old);
        return consumer(c);
      });
      if (fresh == null) continue; // released meanwhile
      confirmed.add(fresh.completion().compose(v -> confirmations.confirm(channel))
          .onComplete(ar -> replaced.forEach(MessageConsumer::unregister)));
    }
    LOG.info("event=fanout_rerouted channels={}", confirmed.size() - 1);
    return Future.join(confirmed).mapEmpty();
  }

  /** A registration on {@code channel}'s cluster address that relays only while it is the channel's current one. */
  private MessageConsumer<Object> consumer(String channel) {
    List<MessageConsumer<Object>> self = new ArrayList<>(1);
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.fanoutOf(channel), msg -> {
      if (listeners.get(channel) == self.get(0)) onChannelMessage(msg);
    });
    self.add(consumer);
    return consumer;
  }

  private void onChannelMessage(Message<Object> msg) {
    if (msg.body() instanceof SignedFanout in) relay(in);
    else confirmations.onMarker(msg.body());
  }

  private void relay(SignedFanout in) {
    if (!in.fromWire()) return; // this node's own message: its edges already have it
    if (in.forged()) {
      long n = forged.incrementAndGet();
      // Powers of two only: a flood of forgeries must not become a flood of log lines.
      if (Long.bitCount(n) == 1) LOG.warn("event=forged_fanout_refused total={} (a process without the cluster secret sent fan-out; see README, Trust model)", n);
      return;
    }
    received.cluster();
    receivers.deliver(in.message());
  }

  @Override
  public Future<Void> close() {
    interests.clear();
    return confirmations == null ? Future.succeededFuture() : confirmations.close();
  }

  /** Registers the fan-out codecs once per Vert.x instance; safe to call again. */
  public static void registerCodecs(Vertx vertx, ClusterSigner signer) {
    try {
      vertx.eventBus().registerCodec(new SignedFanoutCodec(signer));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier broadcaster of this Vert.x instance
    }
  }
}
