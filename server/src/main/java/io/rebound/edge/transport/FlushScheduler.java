package io.rebound.edge.transport;

import io.rebound.codec.WireCodec;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes an edge's dirty connections once per event-loop pass. Connections whose queues hold the
 * very same messages in the same wire format (every subscriber of a channel after a publication)
 * share one joined frame, so a batch is built once and its bytes go to all of them, like a single
 * publication's bytes do.
 *
 * <p>The write delay ({@code client_write_delay}) is adaptive: it is paid only while the edge is
 * busy, i.e. while its flushes already carry more than one message per connection (messages arrive
 * faster than they are flushed, and collecting for the delay turns many writes into one). At light
 * load each flush carries one message per connection, and every flush follows at the end of the
 * event-loop pass: a publication is never held back for a batch that is not coming. A delayed flush
 * that carries one message per connection or less ends the busy spell.
 * Event-loop confined.
 */
public final class FlushScheduler {

  private final Context context;
  private final long writeDelayNanos;
  private List<Outbound> dirty = new ArrayList<>();
  private boolean scheduled;
  private boolean busy; // the last flush carried more than one message per connection
  private long lastFlushAt;

  public FlushScheduler(Context context, Duration writeDelay) {
    this.context = context;
    this.writeDelayNanos = writeDelay.toNanos();
  }

  void schedule(Outbound out) {
    dirty.add(out);
    if (scheduled) return;
    scheduled = true;
    long sinceLast = System.nanoTime() - lastFlushAt;
    if (writeDelayNanos == 0 || !busy || sinceLast >= writeDelayNanos) {
      // Quiet edge: flush at the end of this pass (runOnContext queues behind the tasks already
      // waiting, so what arrives meanwhile still joins this flush).
      context.runOnContext(v -> flushAll());
    } else {
      // Busy edge: flushes are back to back, so collect until the write delay has passed.
      // The edge's own context: a schedule that comes from a write completion (a Netty listener, outside any Vert.x
      // context) would make Vertx.setTimer create a new context for every timer.
      ((ContextInternal) context).setTimer(Math.max(1, (writeDelayNanos - sinceLast) / 1_000_000), id -> flushAll());
    }
  }

  private void flushAll() {
    scheduled = false;
    lastFlushAt = System.nanoTime();
    List<Outbound> batch = dirty;
    dirty = new ArrayList<>(batch.size());
    List<Buffer> lastQueue = null;
    WireCodec lastCodec = null;
    Buffer lastJoined = null;
    int messages = 0;
    for (Outbound out : batch) {
      messages += out.queuedMessages();
      List<Buffer> queue = out.pending();
      if (queue == null) {
        out.flush(null);
        continue;
      }
      if (lastQueue == null || out.codec() != lastCodec || !sameMessages(lastQueue, queue)) {
        lastQueue = List.copyOf(queue);
        lastCodec = out.codec();
        lastJoined = lastCodec.join(queue);
      }
      out.flush(lastJoined);
    }
    busy = messages > batch.size();
  }

  /** Whether the next flush may wait for the write delay (tests). */
  boolean busy() {
    return busy;
  }

  private static boolean sameMessages(List<Buffer> a, List<Buffer> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (a.get(i) != b.get(i)) return false;
    return true;
  }
}
