package io.rebound.edge.session;

import io.rebound.auth.ConnectClaims;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.codec.WireCodec;
import io.rebound.config.ClientOptions;
import io.rebound.edge.transport.ResumeBuffer;
import io.rebound.edge.transport.Transport;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session resume (docs/EXTENSIONS.md): a resumable session detaches when its connection drops and a
 * new connection of the same user may take it over within its window, getting every message it had
 * not processed, in the original numbering.
 *
 * <p>The hand-over crosses event loops: the new connection's session (on the edge that accepted
 * the socket) asks the home session's edge to decide ({@link #ask}); the decision runs on the home
 * loop ({@link #resumeOn}) and comes back; if accepted, the socket's inbound events are re-bound to
 * the home session, which writes through a {@link Transport#movedTo view} of the socket from its own
 * loop. Frames that arrive meanwhile wait, in order, and follow the socket. Shared by an edge's
 * sessions; every method runs on the event loop of the session it is given.
 */
final class SessionResume {

  private static final Logger LOG = LoggerFactory.getLogger(SessionResume.class);

  /** Frames a resuming connection may receive before the decision; a well-behaved client sends none. */
  private static final int MAX_FRAMES_WHILE_RESUMING = 64;

  /** What makes a session resumable: its id, window, numbered written messages and the last command id received. */
  static final class Resumable {
    final String id;
    final long windowMs;
    final ResumeBuffer written;
    private long lastCommandId;
    private long detachedUntil;

    Resumable(String id, long windowMs, ResumeBuffer written, long connectId) {
      this.id = id;
      this.windowMs = windowMs;
      this.written = written;
      this.lastCommandId = connectId;
    }

    /**
     * A resumable session's command ids grow; one not above the highest seen was received already
     * (its reply is, or will be, in the numbered stream), so a client resending too much is harmless.
     */
    boolean firstSight(long commandId) {
      if (commandId <= lastCommandId) return false;
      lastCommandId = commandId;
      return true;
    }
  }

  /** A connection asking to resume, while the home session decides: its frames (text or binary) wait here. */
  static final class Pending {
    final List<Object> frames = new ArrayList<>(2);
    boolean closed;
  }

  private final SessionHandlers edge;

  SessionResume(SessionHandlers edge) {
    this.edge = edge;
  }

  /** Makes a connecting session resumable for {@code windowMs}, registered node-wide under a new id. */
  Resumable open(ClientSession session, long windowMs, long connectId) {
    ClientOptions options = edge.services.config().client();
    Resumable resumable = new Resumable(UUID.randomUUID().toString(), windowMs,
        new ResumeBuffer(options.resumeBufferSize(), options.queueMaxSize(), session.codec.ping()), connectId);
    edge.host.addResumable(resumable.id, session);
    return resumable;
  }

  /** A frame that arrived while RESUMING; too many of them is a misbehaving client. */
  void hold(ClientSession session, Object frame) {
    if (session.pending.frames.size() >= MAX_FRAMES_WHILE_RESUMING) session.badRequest("too many frames before the resume completed");
    else session.pending.frames.add(frame);
  }

  /**
   * {@code session} (a new connection) asks to continue {@code home}, which lives on its own edge
   * (maybe this one): the home edge decides on its event loop; meanwhile frames wait here, in order.
   */
  void ask(ClientSession session, ClientSession home, long connectId, Request.Connect request, ConnectClaims claims) {
    session.resuming(new Pending());
    Context here = edge.host.context();
    Transport moved = session.transport().movedTo(home.edge.host.context());
    WireCodec codec = session.codec;
    long received = request.resume().received();
    home.edge.host.context().runOnContext(v -> {
      boolean accepted = home.edge.resume.resumeOn(home, moved, codec, claims, received, connectId);
      here.runOnContext(x -> decided(session, home, accepted ? moved : null, connectId, request, claims));
    });
  }

  /** Back on the new connection's loop: hand the socket over, or connect as a new session. */
  private void decided(ClientSession session, ClientSession home, Transport moved, long connectId, Request.Connect request, ConnectClaims claims) {
    if (session.state() != ClientSession.State.RESUMING) return;
    Pending pending = session.pending;
    if (moved != null) {
      // The socket now belongs to the home session: hand it every frame (in order) and the close.
      session.handedOver();
      Context homeContext = home.edge.host.context();
      for (Object frame : pending.frames) homeContext.runOnContext(v -> home.onFrame(moved, frame));
      if (pending.closed || moved.isClosed()) {
        // Closed (or its close frame read) while the home decided: Vert.x refuses new handlers on a
        // closed socket (it throws), and the home must learn the socket is gone, with its close code
        // (a goodbye 1000 right behind the resume ends the session; anything else detaches it again).
        homeContext.runOnContext(v -> home.onClosed(moved));
        return;
      }
      moved.bind(home);
      return;
    }
    session.resuming(null);
    edge.services.metrics().resumeRefused();
    if (pending.closed) {
      session.onClosed(session.transport());
      return;
    }
    edge.connect.establish(session, connectId, request, claims, true);
    for (Object frame : pending.frames) session.onFrame(session.transport(), frame);
  }

  /**
   * Runs on the home session's event loop: moves it onto {@code to} if it is resumable by the
   * claims' user, in the same wire format (its buffered messages are encoded in it), and still holds
   * every message after {@code received}; then the connect reply and the missing messages go out, in
   * their original numbering. A session that cannot be resumed because its messages are gone ends
   * here — the client recovers per channel.
   */
  private boolean resumeOn(ClientSession home, Transport to, WireCodec codec, ConnectClaims claims, long received, long connectId) {
    Resumable resumable = home.resumable;
    if (resumable == null || !home.active() || !claims.user().equals(home.user()) || home.codec != codec) return false;
    long now = System.currentTimeMillis();
    // The window may be over even if the once-a-second tick has not ended the session yet.
    if (home.state() == ClientSession.State.DETACHED && closeIfWindowOver(home, now)) return false;
    if (home.state() == ClientSession.State.CONNECTED) detach(home, true); // the old socket is half-open: the client already left it
    if (!resumable.written.covers(received)) {
      LOG.debug("event=resume_refused {} reason=\"messages no longer buffered\" received={} written={}",
          home.describe(), received, resumable.written.count());
      home.close(Disconnect.RESUMED_ELSEWHERE);
      return false;
    }
    home.attachTransport(to, claims.expiresAt(), now);
    List<Buffer> missing = resumable.written.takeAfter(received);
    Result.Connect result = edge.connect.result(home, now / 1000).withOutcome(true, resumable.lastCommandId, null);
    home.sendConnectReply(connectId, result);
    // Not through send(): the resend is bounded by the buffer (client_queue_max_size bytes), but with the
    // connect reply and the newlines it can exceed the queue limit and would close the session as slow.
    home.outbound().resend(missing);
    edge.services.metrics().resumed();
    LOG.debug("event=session_resumed {} resent={}", home.describe(), missing.size());
    return true;
  }

  /** The transport is gone but the session stays resumable for its window; unwritten messages are numbered now. */
  void detach(ClientSession session, boolean closeTransport) {
    Resumable resumable = session.resumable;
    for (Buffer m : session.detachTransport()) resumable.written.record(m);
    if (closeTransport) session.transport().close(Disconnect.RESUMED_ELSEWHERE);
    resumable.detachedUntil = System.currentTimeMillis() + resumable.windowMs;
    LOG.debug("event=session_detached {} window_ms={}", session.describe(), resumable.windowMs);
  }

  /** DETACHED: a window that ran out without a resume ends the session (counted apart, not as a missed pong). */
  boolean closeIfWindowOver(ClientSession session, long now) {
    if (now < session.resumable.detachedUntil) return false;
    LOG.debug("event=resume_window_over {}", session.describe());
    edge.services.metrics().resumeWindowExpired();
    session.close(Disconnect.RESUME_WINDOW_OVER);
    return true;
  }
}
