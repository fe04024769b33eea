package io.rebound.edge.transport;

import io.rebound.codec.Result;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One client connection as a session sees it from its own event loop: somewhere to write frames, a
 * way to close, and a source of inbound events. A session never touches the socket itself, so it
 * can be driven in a test by a fake connection, and a resumed session can keep its home event loop
 * while its new socket lives on another one.
 *
 * <p>A {@code Transport} is a <em>view</em> of a connection from one session event loop: {@link
 * #movedTo} gives another view of the same connection for another loop (session resume). Writes,
 * closes and {@link #bind} may be called only on the view's session loop; the implementation hops
 * to the connection's own loop when the two differ and brings completions back.
 */
public interface Transport {

  /** No close code: the connection is open, or it ended without a close frame. */
  int NO_CLOSE_CODE = -1;
  /** The close code of a client that said goodbye (WebSocket 1000, normal closure). */
  int GOODBYE = 1000;

  /** A connection's inbound events, delivered on the session event loop of the view it was bound with. */
  interface Inbound {
    void onText(Transport from, String text);

    void onBinary(Transport from, Buffer data);

    /** The connection is gone (closed by either side, or lost). */
    void onClosed(Transport from);

    /** An inbound message exceeded the size limit; the connection should be closed with 1009. */
    void onOversized(Transport from);

    /** Any other error of the connection (logged; the close that usually follows arrives as {@link #onClosed}). */
    void onError(Transport from, Throwable cause);
  }

  /**
   * The transport's name as Centrifugo names it ({@code websocket}, {@code http_stream}, {@code sse},
   * {@code uni_websocket}, {@code uni_sse}, {@code uni_http_stream}): connections are counted by it.
   */
  String name();

  /**
   * A unidirectional transport's client sends nothing after its connect request: it answers no
   * pings (none is awaited), and a refused connect closes the connection with a disconnect instead of
   * an error reply nobody would read.
   */
  default boolean unidirectional() {
    return false;
  }

  /**
   * The connect result as this transport sends it; the default sends it as is. An emulated transport
   * names the session and node its client's {@code POST /emulation} requests address; a
   * unidirectional one says no pong is expected. Called on the session's loop when the result is written.
   */
  default Result.Connect connectResult(Result.Connect result) {
    return result;
  }

  /** Writes one frame; {@code done} runs on the session's event loop once the write completed or failed. */
  void write(Buffer frame, Runnable done);

  /** Closes the connection with {@code reason} (its code and text as the close frame), unless already closed. */
  void close(Disconnect reason);

  boolean isClosed();

  /** The close code the client sent (1000 is a goodbye), or {@link #NO_CLOSE_CODE}. */
  int closeCode();

  /** The peer's address, for logs. */
  String remote();

  /**
   * From now on the connection's inbound events go to {@code inbound}, on this view's session event
   * loop, with this view as {@code from}. Call on the connection's own event loop, while it is open.
   */
  void bind(Inbound inbound);

  /**
   * The headers of the client's connection request that the backend proxy forwards ({@code
   * proxy_http_headers}, names lower case); empty when none are configured or the transport has none.
   */
  default Map<String, String> requestHeaders() {
    return Map.of();
  }

  /** The same connection seen from {@code sessionContext}: its writes complete there, and {@link #bind} delivers there. */
  Transport movedTo(Context sessionContext);
}
