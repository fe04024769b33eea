package io.rebound.channel;

/** A channel name that cannot be used, carrying the Centrifugo client error code to reply with. */
public final class ChannelException extends Exception {

  /** Centrifugo "bad request": the name itself is malformed (empty, too long, a control character). */
  public static final int BAD_REQUEST = 107;
  /** Centrifugo "unknown channel": no such namespace, or the name fails its channel_regex. */
  public static final int UNKNOWN_CHANNEL = 102;

  private final int code;

  public ChannelException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The Centrifugo client error code (§5.1 of PROTOCOL.md). */
  public int code() {
    return code;
  }
}
