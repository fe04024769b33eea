package io.rebound.client;

/**
 * The connection state of a {@link ReboundClient}.
 *
 * <pre>
 * DISCONNECTED --connect()--> CONNECTING --reply--> CONNECTED --transport lost--> RECONNECTING --reply--> CONNECTED
 *                                  |                     |                            |
 *                                  +--reconnect timeout--+----------------------------+--> GAVE_UP
 * any state --disconnect() or a server close that forbids reconnecting--> DISCONNECTED
 * </pre>
 *
 * {@code DISCONNECTED} and {@code GAVE_UP} are final until the application calls {@link ReboundClient#connect()} again.
 */
public enum ClientState {
  /** Not connected and not trying: never connected, {@code disconnect()} called, or the server said not to reconnect. */
  DISCONNECTED,
  /** The first connection attempts after {@link ReboundClient#connect()}. */
  CONNECTING,
  /** Connected: the connect reply arrived. */
  CONNECTED,
  /** The connection was lost; the client retries with backoff until the reconnect timeout. */
  RECONNECTING,
  /** The reconnect timeout passed without a connection: the client stopped trying. */
  GAVE_UP
}
