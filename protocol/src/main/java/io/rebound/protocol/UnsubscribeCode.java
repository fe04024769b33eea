package io.rebound.protocol;

/**
 * Codes of the server's {@code unsubscribe} push (centrifuge unsubscribe.go). Codes from 2000 to
 * 2999 reach clients; from {@link #RESUBSCRIBE_FROM} on the SDK goes back to subscribing and
 * resubscribes (with recovery), below it the subscription ends for good.
 */
public final class UnsubscribeCode {
  private UnsubscribeCode() {}

  /** The server (API {@code unsubscribe}) ended the subscription: final. */
  public static final int SERVER = 2000;
  /** Continuity was lost (an unfillable gap, a new epoch): resubscribe and recover. */
  public static final int INSUFFICIENT_STATE = 2500;
  /** The subscription token expired and was not refreshed: resubscribe with a new token. */
  public static final int EXPIRED = 2501;
  /** The client's position and token are unusable: forget them, then resubscribe (recovered: false). */
  public static final int STATE_INVALIDATED = 2502;

  /** The first code that makes the client resubscribe instead of ending the subscription. */
  public static final int RESUBSCRIBE_FROM = 2500;

  /** Whether a client resubscribes after an {@code unsubscribe} push with {@code code}. */
  public static boolean resubscribe(int code) {
    return code >= RESUBSCRIBE_FROM;
  }
}
