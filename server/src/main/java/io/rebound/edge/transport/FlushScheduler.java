package io.rebound.edge.transport;

import io.rebound.codec.WireCodec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes an edge's dirty connections once per event-loop pass. Connections whose queues hold the
 * very same messages in the same wire format (every subscriber of a channel after a publication)
 * share one joined frame, so a batch is built once and its bytes go to all of them, like a single
 * publication's bytes do.
 * Event-loop confined.
 */
public final class FlushScheduler {

  private final Vertx vertx;
  private final Context context;
  private final long writeDelayNanos;
  private List<Outbound> dirty = new ArrayList<>();
  private boolean scheduled;
  private long lastFlushAt;

  public FlushScheduler(Vertx vertx, Context context, Duration writeDelay) {
    this.vertx = vertx;
    this.context = context;
    this.writeDelayNanos = writeDelay.toNanos();
  }

  void schedule(Outbound out) {
    dirty.add(out);
    if (scheduled) return;
    scheduled = true;
    long sinceLast = System.nanoTime() - lastFlushAt;
    if (writeDelayNanos == 0 || sinceLast >= writeDelayNanos) {
      // Quiet edge: flush at the end of this pass (runOnContext queues behind the tasks already
      // waiting, so what arrives meanwhile still joins this flush).
      context.runOnContext(v -> flushAll());
    } else {
      // Busy edge: flushes are back to back, so collect until the write delay has passed.
      vertx.setTimer(Math.max(1, (writeDelayNanos - sinceLast) / 1_000_000), id -> flushAll());
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
    for (Outbound out : batch) {
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
  }

  private static boolean sameMessages(List<Buffer> a, List<Buffer> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (a.get(i) != b.get(i)) return false;
    return true;
  }
}
