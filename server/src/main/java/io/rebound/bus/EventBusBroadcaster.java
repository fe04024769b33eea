package io.rebound.bus;

import io.rebound.engine.Broadcaster;
import io.rebound.engine.FanoutMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out over the Vert.x event bus: in-process for a single node, to every member when Vert.x is
 * clustered. A message goes to this node's edges directly ({@link Addresses#FANOUT}, node-local), and
 * once, signed ({@link SignedFanout}), to {@link Addresses#FANOUT_CLUSTER}, where one relay per node
 * (registered by {@link #start}) checks the signature and hands it to its own edges. Edges listen only
 * locally, so a process that reaches the event bus without the cluster secret cannot put a message in
 * front of a client (README, "Trust model").
 */
public final class EventBusBroadcaster implements Broadcaster {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBroadcaster.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(FanoutMessageCodec.NAME).setLocalOnly(true);
  private static final DeliveryOptions SIGNED = new DeliveryOptions().setCodecName(SignedFanoutCodec.NAME);

  private final Vertx vertx;
  private final ClusterSigner signer;
  private final AtomicLong forged = new AtomicLong();
  private MessageConsumer<SignedFanout> relay;

  private EventBusBroadcaster(Vertx vertx, ClusterSigner signer) {
    this.vertx = vertx;
    this.signer = signer;
  }

  /**
   * A broadcaster whose relay for the other nodes' messages is registered (cluster-wide) when the
   * future completes; {@code signer} signs and checks them.
   */
  public static Future<EventBusBroadcaster> start(Vertx vertx, ClusterSigner signer) {
    registerCodecs(vertx, signer);
    EventBusBroadcaster b = new EventBusBroadcaster(vertx, signer);
    b.relay = vertx.eventBus().consumer(Addresses.FANOUT_CLUSTER, msg -> b.relay(msg.body()));
    return b.relay.completion().map(b);
  }

  @Override
  public Future<Void> publish(FanoutMessage message) {
    vertx.eventBus().publish(Addresses.FANOUT, message, LOCAL);
    if (vertx.isClustered()) vertx.eventBus().publish(Addresses.FANOUT_CLUSTER, SignedFanout.toSend(message, signer), SIGNED);
    return Future.succeededFuture();
  }

  /** Messages refused for a bad signature since start. */
  public long forged() {
    return forged.get();
  }

  private void relay(SignedFanout in) {
    if (!in.fromWire()) return; // this node's own message: its edges already have it
    if (in.forged()) {
      long n = forged.incrementAndGet();
      // Powers of two only: a flood of forgeries must not become a flood of log lines.
      if (Long.bitCount(n) == 1) LOG.warn("event=forged_fanout_refused total={} (a process without the cluster secret sent fan-out; see README, Trust model)", n);
      return;
    }
    vertx.eventBus().publish(Addresses.FANOUT, in.message(), LOCAL);
  }

  @Override
  public Future<Void> close() {
    return relay == null ? Future.succeededFuture() : relay.unregister();
  }

  /** Registers the fan-out codecs once per Vert.x instance; safe to call again. */
  public static void registerCodecs(Vertx vertx, ClusterSigner signer) {
    registerCodec(vertx);
    try {
      vertx.eventBus().registerCodec(new SignedFanoutCodec(signer));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier broadcaster of this Vert.x instance
    }
  }

  /** Registers the node-local fan-out codec once per Vert.x instance; safe to call again. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new FanoutMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }
}
