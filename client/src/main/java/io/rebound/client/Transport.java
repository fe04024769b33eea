package io.rebound.client;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;

/**
 * One WebSocket connection of a client: text frames out (several commands joined by {@code '\n'} in one frame, kept
 * under the server's default inbound limit), text frames in, and exactly one close notification. Created and used on
 * the client's context.
 */
final class Transport {

  /** Frames are cut before this many characters (the server's default websocket_message_size_limit is 65536 bytes). */
  static final int MAX_FRAME_CHARS = 16 * 1024;

  interface Events {
    void onText(Transport transport, String frame);

    /** The socket closed; {@code code} is null when no close frame was received (network loss). */
    void onClose(Transport transport, Short code, String reason);
  }

  private final ClientWebSocket ws;
  private final Events events;
  private boolean open;
  private boolean closing;
  private boolean closeReported;

  Transport(WebSocketClient client, Events events) {
    this.ws = client.webSocket();
    this.events = events;
    ws.textMessageHandler(text -> events.onText(this, text));
    ws.closeHandler(v -> reportClose(ws.closeStatusCode(), ws.closeReason()));
    ws.exceptionHandler(e -> { }); // a close always follows; reported there
  }

  Future<Void> open(WebSocketConnectOptions options) {
    return ws.connect(options).map(w -> {
      open = true;
      if (closing) ws.close();
      return null;
    });
  }

  /** Writes one command (or pong) as its own frame. */
  void send(String line) {
    if (open && !closing) ws.writeTextMessage(line);
  }

  /** Writes commands in order, several per frame. */
  void send(List<String> lines) {
    StringBuilder frame = new StringBuilder();
    for (String line : lines) {
      if (frame.length() > 0 && frame.length() + line.length() + 1 > MAX_FRAME_CHARS) {
        send(frame.toString());
        frame.setLength(0);
      }
      if (frame.length() > 0) frame.append('\n');
      frame.append(line);
    }
    if (frame.length() > 0) send(frame.toString());
  }

  /** Closes with {@code code} (1000 ends a resumable session on the server; any other code keeps it). */
  void close(short code, String reason) {
    if (closing) return;
    closing = true;
    if (open) ws.close(code, reason);
  }

  private void reportClose(Short code, String reason) {
    if (closeReported) return;
    closeReported = true;
    events.onClose(this, code, reason);
  }
}
