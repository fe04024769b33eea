package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A command kept in the recovery buffer until its reply arrives. Confined to the client's context. */
final class PendingCommand {

  private static final Logger LOG = LoggerFactory.getLogger(ReboundClient.class);

  /** How a command is treated when a session cannot be resumed. */
  enum Kind {
    /** publish, history, presence…: resent on the new session with a new id (publishes keep their idempotency key). */
    USER,
    /** subscribe: dropped; the subscription builds a new one with its current position. */
    SUBSCRIBE,
    /** unsubscribe: completed; the new session has no such subscription. */
    UNSUBSCRIBE,
    /** refresh: dropped; the new connect carried the current token. */
    CONTROL
  }

  /** Receives the reply: exactly one of {@code result} (the method's result object) and {@code error} is non-null. */
  interface Callback {
    void reply(JsonNode result, Throwable error);
  }

  long id;
  final String method;
  final ObjectNode params;
  final Kind kind;
  final Callback callback;
  /** When it was last written to a connection (System.nanoTime()), 0 while waiting to be (re)sent. */
  long sentAtNanos;
  /** The session (the engine's session generation) it was last written in; 0 = never written. */
  int sentInSession;

  PendingCommand(long id, String method, ObjectNode params, Kind kind, Callback callback) {
    this.id = id;
    this.method = method;
    this.params = params;
    this.kind = kind;
    this.callback = callback;
  }

  String encode() {
    return Wire.command(id, method, params);
  }

  boolean sent() {
    return sentAtNanos != 0;
  }

  /** Hands the reply (or the failure) to the callback; a callback that throws is logged, never propagated. */
  void complete(JsonNode result, Throwable error) {
    try {
      callback.reply(result, error);
    } catch (RuntimeException e) {
      LOG.warn("event=reply_handler_failed method={}", method, e);
    }
  }
}
