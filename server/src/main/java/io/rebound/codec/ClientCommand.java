package io.rebound.codec;

/**
 * One decoded client command, whatever the wire format: the command id and its request.
 *
 * @param id the command id; 0 for {@link Request.Send} (which gets no reply) and for the pong
 * @param request the request, or null when the command carried none: with id 0 that is the pong
 *     (Centrifugo's empty command), otherwise a command the server does not understand
 */
public record ClientCommand(long id, Request request) {

  /** The empty command: a client's answer to the server's ping. */
  public boolean isPong() {
    return request == null && id == 0;
  }

  /** The request's method name for logs ("connect", "subscribe", …), or null. */
  public String method() {
    return request == null ? null : request.method();
  }
}
