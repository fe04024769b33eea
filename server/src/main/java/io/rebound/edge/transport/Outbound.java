package io.rebound.edge.transport;

import io.rebound.codec.WireCodec;
import io.rebound.engine.FanoutMessage;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A connection's outbound path. Messages are not written one by one: they wait until the edge's
 * {@link FlushScheduler} runs at the end of the current event-loop pass, and then leave as one frame
 * (one write, one syscall), joined the way the connection's {@link WireCodec} joins messages. Under
 * load many publications land in one pass (and the scheduler's write delay collects more while the
 * edge's connections receive more than a few hundred messages a second), so frames batch exactly when sockets are busy; when idle the flush follows at
 * the end of the pass.
 *
 * <p>Backpressure is counted in bytes, here: Vert.x's own signal ({@code writeQueueFull}) counts
 * queued <em>frames</em> (16 of them), and batched frames can be large, so a stalled client could pin
 * many megabytes before it fired. Instead, at most {@link #MAX_IN_FLIGHT} bytes are handed to the
 * socket and not yet written to it; beyond that, messages wait here, and when the waiting bytes pass
 * {@code maxQueuedBytes} the queue overflows. A connection that asked for discontinuity signalling
 * first gets its queued publications dropped (the session tells it what is missing); otherwise, or if
 * that is not enough, {@code onOverflow} runs (the session closes it with 3008; its subscriptions
 * recover on reconnect). Memory per connection is bounded by about twice {@code maxQueuedBytes}.
 *
 * <p>A ping always leaves as a frame of its own, never joined with other messages: the protocol allows
 * batching it, and the {@code centrifuge} SDKs split frames, but clients that answer only a frame that
 * is exactly the ping ({@code {}} in JSON) exist (the shared fan-out generator is one), and under load, when every frame
 * is a batch, they would never pong and be closed with 3012. One extra frame per ping interval.
 *
 * <p>A resumable session's messages are numbered as they are written ({@link ResumeBuffer}), so
 * what is dropped here is never numbered. Event-loop confined.
 */
public final class Outbound {

  /** Bytes written to the socket whose write has not completed yet, before new frames wait here. */
  static final int MAX_IN_FLIGHT = 64 * 1024;

  /** Receives the publications dropped from an overflowing queue; returns false to refuse dropping. */
  public interface Dropper extends Predicate<List<FanoutMessage>> {}

  private final Transport transport;
  private final FlushScheduler scheduler;
  private final WireCodec codec;
  private final int maxQueuedBytes;
  private final Runnable onOverflow;
  private final Dropper dropper; // null: overflow always closes
  private final ResumeBuffer written; // null: the session is not resumable
  private List<Buffer> queued;
  private List<FanoutMessage> tags; // parallel to queued when a dropper is set: the publication, or null
  private int queuedBytes;
  private boolean pingQueued;
  private boolean scheduled;
  private int inFlightBytes;
  private boolean closed;

  /**
   * @param codec the connection's wire format: it joins messages into frames and knows the ping
   * @param dropper takes the publications of an overflowing queue (discontinuity mode), or null: overflow closes
   * @param written numbers what is written, for a resume; null when the session is not resumable
   */
  public Outbound(Transport transport, FlushScheduler scheduler, WireCodec codec, int maxQueuedBytes, Runnable onOverflow, Dropper dropper,
      ResumeBuffer written) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.codec = codec;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onOverflow = onOverflow;
    this.dropper = dropper;
    this.written = written;
  }

  /** Queues one protocol message (a reply, a push or a ping) for the next flush. */
  public void send(Buffer message) {
    send(message, null);
  }

  /** Queues a message; {@code publication} marks it as a publication that may be dropped on overflow. */
  public void send(Buffer message, FanoutMessage publication) {
    if (closed) return;
    if (queued == null) queued = new ArrayList<>(2);
    queued.add(message);
    if (message == codec.ping()) pingQueued = true;
    if (dropper != null) {
      if (tags == null) tags = new ArrayList<>(2);
      tags.add(publication);
    }
    queuedBytes += message.length() + 1;
    if (queuedBytes > maxQueuedBytes && !dropPublications()) {
      close();
      onOverflow.run();
      return;
    }
    if (!scheduled && inFlightBytes < MAX_IN_FLIGHT) {
      scheduled = true;
      scheduler.schedule(this);
    }
  }

  /**
   * Queues a resumed session's buffered messages behind its connect reply and writes them at once.
   * They are exempt from the queue limit: the {@link ResumeBuffer} already bounds them to {@code
   * maxQueuedBytes} of messages, but the newlines between them and the connect reply in front make a
   * full buffer slightly larger than the limit, which must not make the resume a slow-consumer close.
   * Writing them now, not at the next flush, keeps live messages arriving meanwhile from overflowing.
   */
  public void resend(List<Buffer> messages) {
    if (closed || messages.isEmpty()) return;
    if (queued == null) queued = new ArrayList<>(messages.size());
    for (Buffer m : messages) {
      queued.add(m);
      if (dropper != null) {
        if (tags == null) tags = new ArrayList<>(messages.size());
        tags.add(null); // already numbered for the client: never dropped
      }
      queuedBytes += m.length() + 1;
    }
    if (inFlightBytes < MAX_IN_FLIGHT) {
      flush(null);
    } else if (!scheduled) {
      scheduled = true;
      scheduler.schedule(this);
    }
  }

  /** Removes every queued publication if that brings the queue under its limit and the session agrees. */
  private boolean dropPublications() {
    if (dropper == null) return false;
    List<Buffer> keptMessages = new ArrayList<>();
    List<FanoutMessage> keptTags = new ArrayList<>();
    List<FanoutMessage> dropped = new ArrayList<>();
    int keptBytes = 0;
    for (int i = 0; i < queued.size(); i++) {
      FanoutMessage tag = tags.get(i);
      if (tag != null) {
        dropped.add(tag);
      } else {
        keptMessages.add(queued.get(i));
        keptTags.add(null);
        keptBytes += queued.get(i).length() + 1;
      }
    }
    if (dropped.isEmpty() || keptBytes > maxQueuedBytes) return false;
    queued = keptMessages;
    tags = keptTags;
    queuedBytes = keptBytes;
    return dropper.test(dropped);
  }

  public int queuedBytes() {
    return queuedBytes;
  }

  /** Messages waiting for the next flush (the scheduler's measure of how busy the edge is). */
  int queuedMessages() {
    return queued == null ? 0 : queued.size();
  }

  public void close() {
    closed = true;
    clearQueue();
  }

  private void clearQueue() {
    queued = null;
    tags = null;
    queuedBytes = 0;
    pingQueued = false;
  }

  /** Closes this outbound path and returns what it had not written yet, in order. */
  public List<Buffer> closeAndTakePending() {
    List<Buffer> pending = queued == null ? List.of() : queued;
    close();
    return pending;
  }

  /**
   * What the next flush would write, so the scheduler can share one joined frame between identical
   * queues; null when the queue holds a ping, which splits it into frames of its own.
   */
  List<Buffer> pending() {
    return pingQueued ? null : queued;
  }

  /**
   * Writes the queued messages, as {@code joined} when the scheduler already built that frame for an
   * identical queue, else as a frame of its own. Called only by the {@link FlushScheduler}.
   */
  void flush(Buffer joined) {
    scheduled = false;
    if (closed || queued == null) return;
    if (inFlightBytes >= MAX_IN_FLIGHT) return; // resumed by the completion of the writes in flight
    List<Buffer> messages = queued;
    boolean splitAtPings = pingQueued;
    if (written != null) for (Buffer m : messages) written.record(m);
    clearQueue();
    if (!splitAtPings) {
      write(joined != null ? joined : codec.join(messages));
      return;
    }
    int start = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) != codec.ping()) continue;
      if (i > start) write(codec.join(messages.subList(start, i)));
      write(codec.ping());
      start = i + 1;
    }
    if (start < messages.size()) write(codec.join(messages.subList(start, messages.size())));
  }

  private void write(Buffer frame) {
    int length = frame.length();
    inFlightBytes += length;
    transport.write(frame, () -> written(length));
  }

  /** A write reached the socket (or failed): make room, and resume if messages are waiting. */
  private void written(int length) {
    inFlightBytes -= length;
    if (!closed && queued != null && !scheduled && inFlightBytes < MAX_IN_FLIGHT) {
      scheduled = true;
      scheduler.schedule(this);
    }
  }

  /** The connection's wire format (identical queues share a joined frame only within one format). */
  WireCodec codec() {
    return codec;
  }
}
