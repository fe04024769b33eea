package io.rebound.client;

/**
 * A command was refused without being sent: the client already keeps {@link ReboundClientOptions#recoveryBufferSize()}
 * commands that have no reply yet (they are kept to be resent after a reconnect). Wait for some replies — typically the
 * connection is down or the server is slow — and try again.
 */
public final class RecoveryBufferFullException extends RuntimeException {
  public RecoveryBufferFullException(int size) {
    super("recovery buffer full: " + size + " commands are waiting for a reply (ReboundClientOptions.recoveryBufferSize)");
  }
}
