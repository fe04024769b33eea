package io.rebound.edge.session;

import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Request;
import io.rebound.edge.transport.Transport;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's way in: frames decoded in its wire format, commands checked against its state and
 * routed to their handlers, in order. A command whose outcome needs I/O before
 * the next one may run — a connect whose token key is being fetched (AUTHENTICATING), a subscribe
 * being authorized — shuts the gate; the commands behind it wait here, in order and capped, and run
 * when it opens. While the session is RESUMING, the rest of a frame waits with the resume decision
 * instead ({@link SessionResume#hold}), as {@link HeldCommands}.
 *
 * <p>Confined to the session's event loop, like the session; never blocks.
 */
final class InboundCommands {

  /** Commands a connection may send behind a connect still being authenticated; a well-behaved client sends few. */
  static final int MAX_HELD_WHILE_AUTHENTICATING = 64;
  /**
   * Commands that may wait behind a connected session's command that is being authorized (a
   * subscribe whose token key is fetched): an SDK resubscribing every channel after a reconnect sends
   * one subscribe per channel at once, so this is well above a channel limit, yet bounded.
   */
  static final int MAX_HELD_COMMANDS = 1024;

  /** Commands already decoded that wait (behind an authenticating or resuming connect) and are run later, in order. */
  record HeldCommands(List<ClientCommand> commands) {}

  private final ClientSession session;
  /** Not null while the gate is shut: the commands that wait, in arrival order. */
  private List<ClientCommand> held;

  InboundCommands(ClientSession session) {
    this.session = session;
  }

  /**
   * A text ({@code String}) or binary ({@code Buffer}) frame from {@code from}, or {@link
   * HeldCommands} that waited; frames of a transport the session no longer uses are ignored.
   */
  void onFrame(Transport from, Object frame) {
    ClientSession.State state = session.state();
    if (from != session.transport() || state == ClientSession.State.CLOSED || state == ClientSession.State.DETACHED) return;
    if (state == ClientSession.State.RESUMING) {
      session.edge.resume.hold(session, frame);
      return;
    }
    List<ClientCommand> commands;
    try {
      if (frame instanceof HeldCommands h) commands = h.commands();
      else commands = frame instanceof String text ? session.codec.decode(text) : session.codec.decode((Buffer) frame);
    } catch (BadFrameException e) {
      session.badRequest(e.getMessage());
      return;
    }
    run(commands);
  }

  /** Runs {@code commands} in order, or keeps those behind a shut gate (or a resume decision) for later. */
  void run(List<ClientCommand> commands) {
    // Replies to every command of the frame leave together: Outbound flushes once per event-loop pass.
    for (int i = 0; i < commands.size(); i++) {
      ClientSession.State state = session.state();
      if (state == ClientSession.State.CLOSED) return;
      if (state == ClientSession.State.RESUMING) {
        session.edge.resume.hold(session, new HeldCommands(List.copyOf(commands.subList(i, commands.size()))));
        return;
      }
      ClientCommand c = commands.get(i);
      boolean authenticating = state == ClientSession.State.AUTHENTICATING;
      if (held == null) {
        dispatch(c);
      } else if (held.size() >= (authenticating ? MAX_HELD_WHILE_AUTHENTICATING : MAX_HELD_COMMANDS)) {
        session.badRequest("too many commands while " + (authenticating ? "the connect" : "a command") + " was being authorized");
        return;
      } else {
        held.add(c);
      }
    }
  }

  /** One command the gate lets through: checked against the state, then routed to its handler. */
  private void dispatch(ClientCommand c) {
    SessionResume.Resumable resumable = session.resumable;
    if (c.isPong()) {
      session.keepalive.onPong();
    } else if (c.request() == null) {
      session.badRequest("unknown command");
    } else if (session.state() == ClientSession.State.CONNECTING && !(c.request() instanceof Request.Connect)) {
      session.badRequest("command before connect: " + c.method());
    } else if (c.id() == 0 && !(c.request() instanceof Request.Send)) {
      session.badRequest("command without id: " + c.method());
    } else if (resumable == null || c.id() == 0 || resumable.firstSight(c.id())) {
      session.edge.route(session, c);
    }
  }

  /** Later commands wait until {@link #open}. */
  void shut() {
    if (held == null) held = new ArrayList<>(2);
  }

  /** Runs the commands that waited, in order; nothing once the session closed. */
  void open() {
    List<ClientCommand> waited = held;
    held = null;
    if (waited != null && session.state() != ClientSession.State.CLOSED) run(waited);
  }

  /** The session closed: what waited is dropped. */
  void clear() {
    held = null;
  }
}
