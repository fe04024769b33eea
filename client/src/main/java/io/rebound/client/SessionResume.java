package io.rebound.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The client's half of two-way session resume (EXTENSIONS.md §2): the id of the session the server keeps for this
 * client, and how many messages of it the client has processed. Every connect asks to resume when there is a
 * session (the server alone knows whether its window and buffer still allow it); the connect reply says whether it
 * did. Confined to the client's context.
 */
final class SessionResume {

  /** The window asked for in every connect ({@code resume_window}); 0 = resume off. */
  private final long windowMs;
  private String session;
  /** Messages processed since the session's connect reply, pings excepted, each line of a frame counted. */
  private long received;
  /** The connect being answered asked to resume. */
  private boolean asked;

  SessionResume(long windowMs) {
    this.windowMs = windowMs;
  }

  /** Adds {@code resume_window} and, when there is a session, {@code resume: {session, received}} to a connect. */
  void addTo(ObjectNode connect) {
    if (windowMs > 0) connect.put("resume_window", windowMs);
    asked = windowMs > 0 && session != null;
    if (asked) {
      ObjectNode r = connect.putObject("resume");
      r.put("session", session);
      r.put("received", received);
    }
  }

  /** Whether the last connect asked to resume: its reply decides between continuing the session and a new one. */
  boolean asked() {
    return asked;
  }

  /** One more message of the session was processed (a reply or a push, never a ping). */
  void counted() {
    received++;
  }

  /**
   * Applies a successful connect reply and returns whether the session was resumed. A new session counts from 0;
   * its id is the reply's {@code session} (none when the server keeps no session for this client).
   */
  boolean replied(JsonNode reply) {
    boolean resumed = asked && reply.path("resumed").asBoolean(false);
    if (!resumed) received = 0;
    if (reply.hasNonNull("session")) session = reply.get("session").asText();
    else if (!resumed) session = null;
    return resumed;
  }

  /** The client stopped: the server ended the session (close 1000), so there is nothing left to resume. */
  void forget() {
    session = null;
  }
}
