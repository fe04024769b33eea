package io.rebound.edge.session;

import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.edge.transport.Outbound;
import io.rebound.edge.transport.Transport;
import io.rebound.engine.FanoutMessage;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Where one session's messages go, encoded in its wire format. While a transport is attached, into
 * that transport's {@link Outbound} queue; while the session is DETACHED (resumable, between two
 * sockets), numbered into the resume buffer instead of written, so that the resume replays exactly
 * what the client did not get. Pings and connect replies are never numbered: the client's count of
 * received messages starts after its connect reply.
 *
 * <p>Confined to the session's event loop; never blocks (a full queue closes the session as a slow
 * consumer through {@link ClientSession#onSlow}).
 */
final class SessionOutput {

  private final ClientSession session;
  private final WireCodec codec;
  private Outbound out; // null while detached

  SessionOutput(ClientSession session, WireCodec codec) {
    this.session = session;
    this.codec = codec;
  }

  /**
   * A new queue on {@code transport}, replacing the one before (its messages were taken by {@link
   * #detach} or are not wanted). It knows the connect's extension flags and the resume buffer.
   */
  void open(Transport transport) {
    SessionResume.Resumable resumable = session.resumable;
    out = new Outbound(transport, session.edge.host.flusher(), codec, session.options().queueMaxSize(), session::onSlow,
        session.wantsDiscontinuity() ? subs -> session.edge.continuity.onDropped(session, subs) : null,
        resumable == null ? null : resumable.written);
  }

  void push(Push push) { emit(codec.push(push), null); }
  void reply(long id, Result result) { emit(codec.reply(id, result), null); }
  void error(long id, ProtocolException e) { emit(codec.error(id, e), null); }

  /** The message's frame in this connection's format: encoded once per format, shared by every subscriber using it. */
  void write(FanoutMessage msg) {
    emit(msg.frame(codec.format(), session.edge.frames(codec)), msg.kind() == FanoutMessage.Kind.PUBLICATION ? msg : null);
  }

  void ping() { out.send(codec.ping()); }

  /** Connect replies are not numbered: counting starts with the message after them. */
  void connectReply(long id, Result.Connect result) {
    // A unidirectional transport answers with the connect result alone, not as a reply (Transport.connectResult).
    Buffer reply = codec.reply(id, session.transport().connectResult(result));
    if (session.resumable != null) session.resumable.written.skipOnce(reply);
    out.send(reply);
  }

  /** Straight to the socket, unnumbered, even past a full resume buffer: resent messages. */
  Outbound direct() { return out; }

  /** No transport any more: returns what was queued but not written, in order. */
  List<Buffer> detach() {
    List<Buffer> pending = out.closeAndTakePending();
    out = null;
    return pending;
  }

  void close() {
    if (out != null) out.close();
  }

  /** Every message but pings and connect replies goes through here: while detached it is numbered for the resume, not written. */
  private void emit(Buffer message, FanoutMessage publication) {
    if (session.state() == ClientSession.State.DETACHED) session.resumable.written.record(message);
    else if (out != null) out.send(message, publication);
  }
}
