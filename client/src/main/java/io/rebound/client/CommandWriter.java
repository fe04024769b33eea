package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes commands to the server in the order a session may see them (EXTENSIONS.md §2).
 *
 * <ul>
 *   <li>Commands go into the frame being built, when there is one, or straight to the transport. A new session's
 *       connect, subscribes and queued commands share one frame; so do the resends and resubscribes that follow a
 *       connect reply.</li>
 *   <li>Commands the current session has not seen (queued while disconnected, or left from a session that could not
 *       be resumed) are released with new ids, in their original order.</li>
 *   <li>Application commands are held while a new session's resubscribes are unanswered. This way they find their
 *       subscriptions in place (publish permission, {@code until_attach}).</li>
 * </ul>
 *
 * Confined to the client's context.
 */
final class CommandWriter {

  private final ClientEngine engine;
  private final CommandBuffer commands;
  private final Map<String, Subscription> subscriptions;
  /** Where commands may be written: the connected transport, or a new session's before its reply; else null. */
  private Transport target;
  /** Incremented for every new (not resumed) session: tells which commands the current session has seen. */
  private int sessionGen;
  /** Application commands wait until the resubscribes of a new session are answered. */
  private boolean holdUser;
  /** A new session's subscribes went out in the connect's frame, before the reply (centrifuge-js batching). */
  private boolean pipelined;
  /** The frame being built (one command per line), or null: commands are then written one frame each. */
  private List<String> frame;

  CommandWriter(ClientEngine engine, CommandBuffer commands, Map<String, Subscription> subscriptions) {
    this.engine = engine;
    this.commands = commands;
    this.subscriptions = subscriptions;
  }

  /**
   * A new session is certain (no resume was asked for). Subscribes and queued commands follow the connect in its
   * frame, which saves a round trip, and the frame is written at once.
   */
  void pipelineNewSession(Transport t, String connect) {
    target = t;
    pipelined = true;
    frame = new ArrayList<>();
    frame.add(connect);
    newSession();
    releaseUnsent();
    flush();
  }

  /**
   * The connect reply arrived on {@code t}. This opens a frame that {@link #flush()} writes, so that the caller can
   * first emit its events (listeners' commands join the frame).
   *
   * <ul>
   *   <li>Resumed: commands with an id above {@code lastCommand} are resent under their ids; the server has the others,
   *       and their replies are among the resent messages or still to come. Subscriptions simply continue.</li>
   *   <li>Refused (a resume was asked for): a new session starts here.</li>
   *   <li>Pipelined: the new session already started; subscriptions created since then are sent now.</li>
   * </ul>
   */
  void connected(Transport t, boolean resumed, long lastCommand) {
    target = t;
    frame = new ArrayList<>();
    if (resumed) {
      long now = System.nanoTime();
      for (PendingCommand c : commands.all()) {
        if (c.sentInSession != sessionGen) continue; // never written in this session: released below
        if (c.id > lastCommand) send(c);
        else c.sentAtNanos = now; // the server has it; its reply is due from now on
      }
      subscriptions.values().forEach(Subscription::resumed);
    } else if (!pipelined) {
      newSession();
    } else {
      subscriptions.values().forEach(Subscription::sendIfWaiting);
    }
    pipelined = false;
    releaseUnsent();
    engine.watchdogs.watchCommands(); // also covers commands the server had already received: their replies must come
  }

  /** Writes the frame being built, if any. */
  void flush() {
    List<String> lines = frame;
    frame = null;
    if (lines != null && !lines.isEmpty() && target != null) target.send(lines);
  }

  /**
   * An application command (publish, history, presence…): kept until answered and resent across reconnects; refused
   * at once when the client is stopped or the buffer is full. Any thread; the future completes on the client's context.
   */
  <T> Future<T> userCommand(String method, ObjectNode params, Function<JsonNode, T> result) {
    Promise<T> p = Promise.promise();
    engine.ctx.run(() -> {
      ClientState state = engine.state;
      if (state == ClientState.DISCONNECTED || state == ClientState.GAVE_UP) {
        p.fail(new ClientClosedException(engine.lastCode(), "client is " + state.name().toLowerCase().replace('_', ' ')));
        return;
      }
      if (commands.full()) {
        p.fail(new RecoveryBufferFullException(commands.capacity()));
        return;
      }
      send(commands.add(method, params, PendingCommand.Kind.USER, (res, err) -> {
        if (err != null) p.tryFail(err);
        else p.tryComplete(result.apply(res));
      }));
    });
    return p.future();
  }

  /** Writes a buffered command now (or into the frame being built); a no-op while nothing may be written. */
  void send(PendingCommand c) {
    if (target == null || (c.kind == PendingCommand.Kind.USER && holdUser)) return;
    c.sentAtNanos = System.nanoTime();
    c.sentInSession = sessionGen;
    if (frame != null) frame.add(c.encode());
    else target.send(c.encode());
    engine.watchdogs.watchCommands();
  }

  /** A subscription got its subscribe reply (or stopped waiting for it): held application commands may go. */
  void subscriptionSettled() {
    if (!holdUser || subscriptions.values().stream().anyMatch(Subscription::awaitingReply)) return;
    holdUser = false;
    releaseUnsent();
  }

  /** The transport is gone: nothing may be written until the next connect. */
  void detach() {
    target = null;
    pipelined = false;
    frame = null;
  }

  /** The client stopped: as {@link #detach()}, and nothing is held any more (the commands were failed). */
  void stop() {
    detach();
    holdUser = false;
  }

  /** Starts a new session: a new generation, stale subscription commands dropped, every subscription resubscribing. */
  private void newSession() {
    sessionGen++;
    for (PendingCommand c : commands.all()) {
      switch (c.kind) {
        case USER -> { } // resent once the resubscribes are answered, with new ids and the same idempotency keys
        case UNSUBSCRIBE -> { // the new session has no such subscription: done
          commands.remove(c);
          c.complete(Wire.object(), null);
        }
        default -> commands.remove(c); // subscribe, refresh: rebuilt from the current state
      }
    }
    subscriptions.values().forEach(Subscription::newSession);
    holdUser = subscriptions.values().stream().anyMatch(Subscription::awaitingReply);
  }

  /** Writes, with new ids in their original order, the commands the current session has not seen. */
  private void releaseUnsent() {
    if (target == null) return;
    for (PendingCommand c : commands.all()) {
      if (c.sentInSession == sessionGen || (c.kind == PendingCommand.Kind.USER && holdUser)) continue;
      commands.renumber(c);
      send(c);
    }
  }
}
