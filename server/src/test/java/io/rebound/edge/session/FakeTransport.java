package io.rebound.edge.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.edge.transport.Transport;
import io.rebound.protocol.Disconnect;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A client connection without a socket, for driving a session frame by frame (centrifuge's
 * {@code TestTransport} is the model): what the server writes lands in a sink of frames, and the
 * test plays the client — {@link #send} a frame, {@link #drop} the connection. Like the real one, a
 * connection lives on its own event loop and may be seen from another loop ({@link #movedTo}, after
 * a resume): inbound events hop to the bound view's loop, write completions to the writer's.
 */
final class FakeTransport implements Transport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger IDS = new AtomicInteger();

  /** The connection every view of it shares. */
  private static final class Connection {
    final Context socketContext;
    final String remote = "fake:" + IDS.incrementAndGet();
    final List<Buffer> frames = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile Disconnect closedWith; // the server's close, or null
    volatile int peerCloseCode = NO_CLOSE_CODE;
    volatile FakeTransport receiver;
    volatile Inbound inbound;

    Connection(Context socketContext) {
      this.socketContext = socketContext;
    }
  }

  private final Connection conn;
  private final Context sessionContext;

  private FakeTransport(Connection conn, Context sessionContext) {
    this.conn = conn;
    this.sessionContext = sessionContext;
  }

  /** A new connection accepted on {@code socketContext}'s event loop. */
  static FakeTransport on(Context socketContext) {
    return new FakeTransport(new Connection(socketContext), socketContext);
  }

  // ---- Transport (the server's side) -----------------------------------------------------------

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public void write(Buffer frame, Runnable done) {
    if (!conn.closed) conn.frames.add(frame.copy());
    sessionContext.runOnContext(v -> done.run());
  }

  @Override
  public void close(Disconnect reason) {
    if (conn.closed) return;
    conn.closed = true;
    conn.closedWith = reason;
    deliver(in -> in.onClosed(conn.receiver));
  }

  @Override
  public boolean isClosed() {
    return conn.closed;
  }

  @Override
  public int closeCode() {
    return conn.peerCloseCode;
  }

  @Override
  public String remote() {
    return conn.remote;
  }

  @Override
  public void bind(Inbound inbound) {
    conn.receiver = this;
    conn.inbound = inbound;
  }

  @Override
  public Transport movedTo(Context context) {
    return new FakeTransport(conn, context);
  }

  // ---- the client's side -----------------------------------------------------------------------

  /** The client sends one text frame (one or more newline-separated commands). */
  void send(String frame) {
    deliver(in -> in.onText(conn.receiver, frame));
  }

  /** The connection drops without a close frame (a network cut, a balancer reload). */
  void drop() {
    closeFromClient(NO_CLOSE_CODE);
  }

  /** The client closes with {@code code} (1000: goodbye). */
  void closeFromClient(int code) {
    conn.peerCloseCode = code;
    conn.closed = true;
    deliver(in -> in.onClosed(conn.receiver));
  }

  private void deliver(Consumer<Inbound> event) {
    conn.socketContext.runOnContext(v -> {
      Inbound in = conn.inbound;
      FakeTransport view = conn.receiver;
      if (in == null) return;
      if (view.sessionContext == conn.socketContext) event.accept(in);
      else view.sessionContext.runOnContext(x -> event.accept(in));
    });
  }

  /** Every frame written so far, as text. */
  List<String> frames() {
    List<String> out = new ArrayList<>();
    for (Buffer f : conn.frames) out.add(f.toString());
    return out;
  }

  /** Every message written so far (frames split at newlines), parsed. */
  List<JsonNode> messages() {
    List<JsonNode> out = new ArrayList<>();
    for (String frame : frames()) {
      for (String line : frame.split("\n")) {
        try {
          out.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  /** The server's close, or null while open (or closed by the client). */
  Disconnect closedWith() {
    return conn.closedWith;
  }
}
