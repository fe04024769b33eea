package io.rebound.edge.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Text frames must be valid UTF-8 (RFC 6455 §8.1): a text message that is not is answered with close
 * code 1007 (invalid frame payload data) and the connection ends, as Centrifugo does.
 *
 * <p>Why a Netty handler: Vert.x decodes a text message with replacement characters, so the session
 * would see a different, valid command instead of the bytes the client sent. Netty's {@link
 * Utf8FrameValidator}, put in front of Vert.x's WebSocket handler, checks every text frame (and the
 * continuations of a fragmented one) as it arrives, with no copy, and sends the 1007 close itself.
 */
public final class Utf8Validation {

  private static final String NAME = "rebound-utf8";

  private Utf8Validation() {}

  /**
   * Validates the text frames of {@code ws} from now on. Call on the socket's event loop right after
   * the handshake was accepted, before any frame was read. Returns false when the socket is not the
   * Vert.x implementation that exposes its pipeline (then text is decoded as Vert.x does).
   */
  public static boolean install(ServerWebSocket ws) {
    if (!(ws instanceof WebSocketInternal internal)) return false;
    ChannelHandlerContext handler = internal.channelHandlerContext();
    if (handler == null || handler.pipeline().get(NAME) != null) return false;
    handler.pipeline().addBefore(handler.name(), NAME, new Utf8FrameValidator(true));
    return true;
  }
}
