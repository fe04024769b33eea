package io.rebound.testing;

import io.rebound.Node;
import io.rebound.bus.Addresses;
import io.rebound.core.AppendResult;
import io.rebound.bus.HistoryRequests;
import io.rebound.core.Publication;
import io.rebound.channel.Channels;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes an edge see what real failures produce, inside a node of this JVM: a publication stored in
 * history but never fanned out (a publisher that died between the two), and history reads that do
 * not come back (a stalled engine), so an ordering gap can neither close nor be filled.
 */
public final class StreamTamper implements AutoCloseable {

  private final Vertx vertx;
  private final String channel;
  private final Handler<DeliveryContext<Object>> interceptor;
  private final List<Runnable> held = new ArrayList<>();
  private boolean closed; // guarded by held

  private StreamTamper(Vertx vertx, String channel) {
    this.vertx = vertx;
    this.channel = channel;
    this.interceptor = this::intercept;
  }

  /** Appends {@code dataJson} to {@code channel}'s history without fanning it out; returns its offset. */
  public static long appendWithoutFanout(Node node, String channel, String dataJson) {
    var options = Channels.resolve(channel, node.config()).options().streamOptions();
    AppendResult r = Await.result(node.vertx().eventBus().<AppendResult>request(Addresses.HISTORY_APPEND,
        new HistoryRequests.Append(channel, Publication.of(dataJson), options, null)).map(m -> m.body()));
    return r.position().offset();
  }

  /**
   * From now until {@link #close()}, history reads of {@code channel} that start at a position (the
   * reads an edge makes to fill a gap; recovery and client history reads too) are held, not answered.
   * Reads of the top only pass. Closing lets the held reads go on.
   */
  public static StreamTamper holdPositionedReads(Node node, String channel) {
    StreamTamper t = new StreamTamper(node.vertx(), channel);
    node.vertx().eventBus().addOutboundInterceptor(t.interceptor);
    return t;
  }

  private void intercept(DeliveryContext<Object> dc) {
    if (dc.message().address().equals(Addresses.HISTORY_READ) && dc.body() instanceof HistoryRequests.Read read
        && read.channel().equals(channel) && read.query().since() != null) {
      Context context = Vertx.currentContext();
      synchronized (held) {
        if (!closed) {
          held.add(() -> {
            if (context == null) dc.next();
            else context.runOnContext(v -> dc.next());
          });
          return;
        }
      }
    }
    dc.next();
  }

  /** Reads held so far. */
  public int heldReads() {
    synchronized (held) {
      return held.size();
    }
  }

  @Override
  public void close() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    List<Runnable> release;
    synchronized (held) {
      closed = true;
      release = List.copyOf(held);
      held.clear();
    }
    release.forEach(Runnable::run);
  }
}
