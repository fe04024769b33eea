package io.rebound.edge.transport;

import io.rebound.codec.WireCodec;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Flushes an edge's dirty connections once per event-loop pass. Connections whose queues hold the
 * very same messages in the same wire format (every subscriber of a channel after a publication)
 * share one joined frame, so a batch is built once and its bytes go to all of them, like a single
 * publication's bytes do.
 *
 * <p>The write delay ({@code client_write_delay}) is adaptive: it is paid only while the edge is
 * busy, i.e. while its last flush carried more than one message per connection <em>and</em> its
 * connections received more than {@value #BUSY_MESSAGES_PER_SECOND} messages a second each (the
 * flush's messages per connection over the time since the flush before). That is the rate at which
 * collecting pays: on loopback about half of a delivery's CPU is the socket write, and a write that
 * carries ten messages costs little more than one that carries one (at saturation a 20 ms delay
 * halved the writes per delivery and cut the queueing latency with them, loadtest/README.md,
 * "Batching by rate"). Below it a batch would cost latency and save little: a burst after a quiet
 * spell (a GC pause, a publisher sending ten messages at once) carries several messages per
 * connection without the edge being busy, and a delayed flush at a steady 100 messages/s carries two
 * per 20 ms without the wait being worth it. At light load every flush follows at the end of the
 * event-loop pass: a publication is never held back for a batch that is not coming.
 * Event-loop confined.
 */
public final class FlushScheduler {

  /** A connection receiving more messages a second than this makes its edge batch (see above). */
  static final int BUSY_MESSAGES_PER_SECOND = 200;

  private final Context context;
  private final long writeDelayNanos;
  private final LongSupplier nanoTime;
  private List<Outbound> dirty = new ArrayList<>();
  private boolean scheduled;
  private boolean busy; // see busy(int, int, long), as of the last flush
  private long lastFlushAt;

  public FlushScheduler(Context context, Duration writeDelay) {
    this(context, writeDelay, System::nanoTime);
  }

  /** With a clock of its own (tests: the rate of a flush without waiting for it). */
  FlushScheduler(Context context, Duration writeDelay, LongSupplier nanoTime) {
    this.context = context;
    this.writeDelayNanos = writeDelay.toNanos();
    this.nanoTime = nanoTime;
    this.lastFlushAt = nanoTime.getAsLong();
  }

  void schedule(Outbound out) {
    dirty.add(out);
    if (scheduled) return;
    scheduled = true;
    long sinceLast = nanoTime.getAsLong() - lastFlushAt;
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
    long now = nanoTime.getAsLong();
    long sinceLast = now - lastFlushAt;
    lastFlushAt = now;
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
    busy = busy(messages, batch.size(), sinceLast);
  }

  /**
   * Whether a flush of messages to connections, nanos after the one before, shows a busy edge: more
   * than one message per connection, arriving faster than BUSY_MESSAGES_PER_SECOND each.
   */
  static boolean busy(int messages, int connections, long nanos) {
    // messages / connections / (nanos / 1e9) > BUSY, without dividing (nanos may be 0)
    return messages > connections
        && (double) messages * 1_000_000_000L > (double) BUSY_MESSAGES_PER_SECOND * connections * nanos;
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
