package io.rebound.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's outbound path. Messages are not written one by one: they wait until the edge's
 * {@link FlushScheduler} runs at the end of the current event-loop pass, and then leave as one
 * newline-delimited frame (one write, one syscall). Under load many publications land in one pass,
 * so frames batch exactly when sockets are busy; when idle the flush follows immediately.
 *
 * <p>Backpressure is counted in bytes, here: Vert.x's own signal ({@code writeQueueFull}) counts
 * queued <em>frames</em> (16 of them), and batched frames can be large, so a stalled client could pin
 * many megabytes before it fired. Instead, at most {@link #MAX_IN_FLIGHT} bytes are handed to the
 * socket and not yet written to it; beyond that, messages wait here, and when the waiting bytes pass
 * {@code maxQueuedBytes} the connection is a slow consumer and {@code onOverflow} runs (the session
 * closes it with 3008; its subscriptions recover on reconnect). Memory per connection is bounded by
 * about twice {@code maxQueuedBytes}. Event-loop confined.
 */
final class Outbound {

  /** Bytes written to the socket whose write has not completed yet, before new frames wait here. */
  static final int MAX_IN_FLIGHT = 64 * 1024;

  private final ServerWebSocket ws;
  private final FlushScheduler scheduler;
  private final int maxQueuedBytes;
  private final Runnable onOverflow;
  private List<Buffer> queued;
  private int queuedBytes;
  private boolean scheduled;
  private int inFlightBytes;
  private boolean closed;

  Outbound(ServerWebSocket ws, FlushScheduler scheduler, int maxQueuedBytes, Runnable onOverflow) {
    this.ws = ws;
    this.scheduler = scheduler;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onOverflow = onOverflow;
  }

  /** Queues one protocol message (a reply, a push or a ping) for the next flush. */
  void send(Buffer message) {
    if (closed) return;
    if (queued == null) queued = new ArrayList<>(2);
    queued.add(message);
    queuedBytes += message.length() + 1;
    if (queuedBytes > maxQueuedBytes) {
      close();
      onOverflow.run();
      return;
    }
    if (!scheduled && inFlightBytes < MAX_IN_FLIGHT) {
      scheduled = true;
      scheduler.schedule(this);
    }
  }

  int queuedBytes() {
    return queuedBytes;
  }

  void close() {
    closed = true;
    queued = null;
    queuedBytes = 0;
  }

  /** What the next flush would write, so the scheduler can share one joined frame between identical queues. */
  List<Buffer> pending() {
    return queued;
  }

  /**
   * Writes the queued messages, as {@code joined} when the scheduler already built that frame for an
   * identical queue, else as a frame of its own. Called only by the {@link FlushScheduler}.
   */
  void flush(Buffer joined) {
    scheduled = false;
    if (closed || queued == null) return;
    if (inFlightBytes >= MAX_IN_FLIGHT) return; // resumed by the completion of the writes in flight
    Buffer frame = joined != null ? joined : join(queued);
    queued = null;
    queuedBytes = 0;
    int length = frame.length();
    inFlightBytes += length;
    ws.writeFrame(textFrame(frame)).onComplete(ar -> written(length));
  }

  /** A write reached the socket (or failed): make room, and resume if messages are waiting. */
  private void written(int length) {
    inFlightBytes -= length;
    if (!closed && queued != null && !scheduled && inFlightBytes < MAX_IN_FLIGHT) {
      scheduled = true;
      scheduler.schedule(this);
    }
  }

  /** One frame of newline-delimited messages; a single message is written as is, without a copy. */
  static Buffer join(List<Buffer> messages) {
    if (messages.size() == 1) return messages.get(0);
    int size = messages.size() - 1;
    for (Buffer b : messages) size += b.length();
    Buffer joined = Buffer.buffer(size);
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) joined.appendByte((byte) '\n');
      joined.appendBuffer(messages.get(i));
    }
    return joined;
  }

  // A text frame over a slice of the buffer: bytes shared by many subscribers are not copied per connection.
  private static WebSocketFrameImpl textFrame(Buffer message) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) message).getByteBuf(), true);
  }
}
