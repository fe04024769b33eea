package io.rebound.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's outbound path: writes frames straight to the socket while it keeps up, and batches
 * them into one newline-delimited frame while it does not.
 *
 * <p>Backpressure: once the socket's write queue is full, frames wait here; when the waiting bytes
 * pass {@code maxQueuedBytes} the connection is a slow consumer and {@code onOverflow} runs (the
 * session closes it with code 3008, and its subscriptions recover on reconnect). Memory per
 * connection is therefore bounded. Event-loop confined.
 */
final class Outbound {

  private final ServerWebSocket ws;
  private final int maxQueuedBytes;
  private final Runnable onOverflow;
  private List<Buffer> queued;
  private int queuedBytes;
  private boolean corked;
  private boolean closed;

  Outbound(ServerWebSocket ws, int maxQueuedBytes, Runnable onOverflow) {
    this.ws = ws;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onOverflow = onOverflow;
  }

  /** Queues or writes one protocol message (a reply, a push or a ping). */
  void send(Buffer message) {
    if (closed) return;
    if (queued == null && !corked && !ws.writeQueueFull()) {
      writeFrame(message);
      return;
    }
    if (queued == null) {
      queued = new ArrayList<>(4);
      if (!corked) ws.drainHandler(v -> flush());
    }
    queued.add(message);
    queuedBytes += message.length() + 1;
    if (queuedBytes > maxQueuedBytes) {
      closed = true;
      queued = null;
      onOverflow.run();
    }
  }

  /**
   * Holds writes until {@link #uncork()}: replies to a frame of several commands (connect plus all
   * subscribes of a reconnecting SDK) leave as one frame.
   */
  void cork() {
    corked = true;
  }

  void uncork() {
    corked = false;
    if (queued != null && !ws.writeQueueFull()) flush();
    else if (queued != null) ws.drainHandler(v -> flush());
  }

  int queuedBytes() {
    return queuedBytes;
  }

  void close() {
    closed = true;
    queued = null;
  }

  private void flush() {
    if (closed || queued == null || corked) return;
    List<Buffer> batch = queued;
    queued = null;
    queuedBytes = 0;
    if (batch.size() == 1) {
      writeFrame(batch.get(0));
      return;
    }
    int size = batch.size() - 1;
    for (Buffer b : batch) size += b.length();
    Buffer joined = Buffer.buffer(size);
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) joined.appendByte((byte) '\n');
      joined.appendBuffer(batch.get(i));
    }
    writeFrame(joined);
  }

  // A text frame over a slice of the shared buffer: the publication bytes encoded once by the
  // publisher go to every subscriber without a per-connection copy or String round trip.
  private void writeFrame(Buffer message) {
    ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) message).getByteBuf(), true));
  }
}
