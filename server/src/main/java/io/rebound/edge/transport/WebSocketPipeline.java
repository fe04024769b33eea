package io.rebound.edge.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * The Netty pipeline of an accepted WebSocket, as Rebound wants it. Two changes to what Vert.x sets up:
 *
 * <ul>
 *   <li>Text frames must be valid UTF-8 (RFC 6455 §8.1): a text message that is not is answered with
 *       close code 1007 (invalid frame payload data) and the connection ends, as Centrifugo does.
 *       Vert.x decodes a text message with replacement characters, so the session would see a
 *       different, valid command instead of the bytes the client sent; Netty's {@link
 *       Utf8FrameValidator}, in front of Vert.x's WebSocket handler, checks every text frame (and the
 *       continuations of a fragmented one) as it arrives, with no copy, and sends the 1007 itself.
 *   <li>No idle-state handler ({@code http_idle_timeout}): the protocol's pings and pongs already
 *       watch an open WebSocket ({@code client_ping_interval}, {@code client_pong_timeout}), and the
 *       handler would cost every frame written a promise and a listener — on the fan-out path, once
 *       per subscriber and publication.
 * </ul>
 */
public final class WebSocketPipeline {

  private static final String UTF8 = "rebound-utf8";

  private WebSocketPipeline() {}

  /**
   * Adjusts the pipeline of {@code ws}. Call on the socket's event loop right after the handshake was
   * accepted, before any frame was read. Returns false, changing nothing, when the socket is not the
   * Vert.x implementation that exposes its pipeline (then text is decoded as Vert.x does).
   */
  public static boolean install(ServerWebSocket ws) {
    if (!(ws instanceof WebSocketInternal internal)) return false;
    ChannelHandlerContext handler = internal.channelHandlerContext();
    if (handler == null || handler.pipeline().get(UTF8) != null) return false;
    ChannelPipeline pipeline = handler.pipeline();
    pipeline.addBefore(handler.name(), UTF8, new Utf8FrameValidator(true));
    IdleStateHandler idle = pipeline.get(IdleStateHandler.class);
    if (idle != null) pipeline.remove(idle);
    return true;
  }
}
