package io.rebound.protocol;

/**
 * Why the server closes a connection: sent as the WebSocket close code and reason. Codes 3000–3499
 * and 4000–4499 make the SDK reconnect; 3500–3999 and 4500–4999 stop it (centrifuge disconnect.go).
 */
public record Disconnect(int code, String reason) {

  /** WebSocket 1009: an inbound message exceeded websocket_message_size_limit (the SDK does not reconnect). */
  public static final Disconnect MESSAGE_TOO_BIG = new Disconnect(1009, "message size limit exceeded");
  /** A resumable session moved to a new connection while its old one still looked open (half-open TCP). */
  public static final Disconnect RESUMED_ELSEWHERE = new Disconnect(3000, "session resumed on a new connection");
  /**
   * A detached resumable session's window ran out before any connection resumed it. It has no
   * transport, so nothing is sent: code 3000 ("connection closed", never a close code) with its own
   * reason, so that logs and metrics do not count it as a missed pong.
   */
  public static final Disconnect RESUME_WINDOW_OVER = new Disconnect(3000, "resume window over");
  public static final Disconnect SHUTDOWN = new Disconnect(3001, "shutdown");
  public static final Disconnect INTERNAL = new Disconnect(3004, "internal server error");
  public static final Disconnect EXPIRED = new Disconnect(3005, "connection expired");
  public static final Disconnect SUBSCRIPTION_EXPIRED = new Disconnect(3006, "subscription expired");
  public static final Disconnect SLOW = new Disconnect(3008, "slow");
  public static final Disconnect WRITE_ERROR = new Disconnect(3009, "write error");
  public static final Disconnect INSUFFICIENT_STATE = new Disconnect(3010, "insufficient state");
  public static final Disconnect FORCE_RECONNECT = new Disconnect(3011, "force reconnect");
  public static final Disconnect NO_PONG = new Disconnect(3012, "no pong");
  public static final Disconnect TOO_MANY_REQUESTS = new Disconnect(3013, "too many requests");
  /** The client's positions and token are unusable: it drops them and reconnects (Centrifugo 6). */
  public static final Disconnect STATE_INVALIDATED = new Disconnect(3014, "state invalidated");
  public static final Disconnect INVALID_TOKEN = new Disconnect(3500, "invalid token");
  public static final Disconnect BAD_REQUEST = new Disconnect(3501, "bad request");
  public static final Disconnect STALE = new Disconnect(3502, "stale");
  public static final Disconnect FORCE_DISCONNECT = new Disconnect(3503, "force disconnect");
  public static final Disconnect CONNECTION_LIMIT = new Disconnect(3504, "connection limit");
  public static final Disconnect CHANNEL_LIMIT = new Disconnect(3505, "channel limit");
  public static final Disconnect INAPPROPRIATE_PROTOCOL = new Disconnect(3506, "inappropriate protocol");
  public static final Disconnect PERMISSION_DENIED = new Disconnect(3507, "permission denied");
  public static final Disconnect NOT_AVAILABLE = new Disconnect(3508, "not available");
  public static final Disconnect TOO_MANY_ERRORS = new Disconnect(3509, "too many errors");

  /** Whether a client reconnects after this disconnect (the rule every Centrifugo SDK applies). */
  public boolean reconnect() {
    return reconnect(code);
  }

  /**
   * Whether a client reconnects after a close with {@code code}: everything but 3500–3999 and
   * 4500–4999 (centrifuge disconnect.go; the JS SDK's {@code reconnect} rule).
   */
  public static boolean reconnect(int code) {
    return !((code >= 3500 && code < 4000) || (code >= 4500 && code < 5000));
  }
}
