package io.rebound.edge.transport;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.concurrent.OutboundMessageQueue;
import io.vertx.core.net.impl.VertxConnection;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an accepted WebSocket the direct outbound path Vert.x uses for strict-thread-mode connections.
 *
 * <p>Why: Vert.x 5.0 builds the upgraded WebSocket connection without the server's strict-thread-mode
 * flag, so every WebSocket carries a multi-producer outbound queue whose first chunk is a 1024-slot array:
 * about 4.8 KiB, over 40 % of an idle connection's heap. Rebound touches a socket only from its own event
 * loop ({@link WebSocketTransport} hops there), which is exactly the contract of the direct queue: a write goes
 * straight to Netty, whose channel buffer and writability (high/low water marks) still give
 * {@code writeQueueFull()} and the drain handler their usual meaning.
 *
 * <p>It reaches into Vert.x internals, so it is defensive: if the classes are not shaped as expected
 * (another Vert.x version) or the queue already holds a write, it leaves the connection as it is and
 * says so once in the log. {@code DirectSocketWritesTest} pins the behaviour on the Vert.x in use.
 */
public final class DirectSocketWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DirectSocketWrites.class);
  private static final Access ACCESS = Access.resolve();
  // Cleared at the first failure: one log line, not one per connection.
  private static volatile boolean enabled = ACCESS != null;

  private DirectSocketWrites() {
  }

  /** True when {@link #install} can work on this Vert.x. */
  static boolean available() {
    return enabled;
  }

  /**
   * Swaps the socket's outbound queue for the direct one. Call on the socket's event loop before the
   * first write and after the handshake was accepted (a {@code webSocketHandshakeHandler} that calls
   * {@code accept()}, as EdgeVerticle does): without one, Vert.x writes the 101 after the
   * {@code webSocketHandler} returns, and a swap under that pending handshake closed the connection
   * ("Connection closed while handshake in process", seen on the first handshake of a cold JVM).
   * Returns whether it did; a connection that keeps its queue works exactly as before.
   */
  public static boolean install(ServerWebSocket ws) {
    if (!enabled) return false;
    try {
      Object conn = ACCESS.connection.get(ws);
      if (!(conn instanceof VertxConnection)) return false;
      Object current = ACCESS.queue.get(conn);
      if (!(current instanceof OutboundMessageQueue<?> queue) || !isEmpty(queue)) return false;
      ACCESS.queue.set(conn, ACCESS.direct.newInstance(conn));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (enabled) {
        enabled = false;
        LOG.warn("event=direct_writes_unavailable error=\"{}\" (WebSockets keep Vert.x's multi-producer queue)", e.toString());
      }
      return false;
    }
  }

  private static boolean isEmpty(OutboundMessageQueue<?> queue) throws ReflectiveOperationException {
    Object mpsc = ACCESS.messages.get(queue);
    return queue.isWritable() && ((Queue<?>) ACCESS.pending.get(mpsc)).isEmpty();
  }

  /** The reflective handles, looked up once; null (and one log line) when Vert.x is not shaped as expected. */
  private record Access(Field connection, Field queue, Constructor<?> direct, Field messages, Field pending) {

    static Access resolve() {
      try {
        Field connection = field(Class.forName("io.vertx.core.http.impl.WebSocketImplBase"), "conn");
        Field queue = field(VertxConnection.class, "outboundMessageQueue");
        Class<?> directType = Class.forName("io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue");
        Constructor<?> direct = directType.getDeclaredConstructor(VertxConnection.class);
        direct.setAccessible(true);
        Field messages = field(OutboundMessageQueue.class, "mqp");
        Field pending = field(Class.forName("io.vertx.core.streams.impl.MessagePassingQueue"), "queue");
        return new Access(connection, queue, direct, messages, pending);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("event=direct_writes_unavailable error=\"{}\" (WebSockets keep Vert.x's multi-producer queue)", e.toString());
        return null;
      }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    }
  }
}
