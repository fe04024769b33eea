package io.rebound.edge.transport;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what an accepted WebSocket keeps of its HTTP/1 upgrade once the session no longer needs it.
 *
 * <p>Why: Vert.x 5.0 builds the WebSocket's pipeline handler ({@link VertxHandler}) from a factory closure
 * that captures the handshake: the HTTP/1 connection object with its request, response, inbound queue and
 * per-connection server handlers, the Netty handshaker, and the upgrade request with its headers. The
 * handler keeps that factory for the life of the socket although it uses it only once, when it joins the
 * pipeline; and the socket itself keeps the upgrade request's headers ({@code ServerWebSocket#headers()}).
 * Together about 1.5 KiB of every idle connection's heap; the socket's own copies of the request URI, path
 * and authority another 150 bytes. Rebound reads what it needs of the request (path, query, subprotocol,
 * the headers its backend proxy forwards) when the socket is accepted, so {@link #release} drops them:
 * the factory (the handler is never added to a pipeline again), the headers (replaced by one shared empty
 * read-only map, so a later {@code headers()} call still gets a map), the authority ({@code authority()}
 * answers null afterwards, as for an HTTP/1.0 request without a Host header), and the URI and path when
 * they are the endpoint's path (replaced by the caller's constant, equal and shared).
 *
 * <p>It reaches into Vert.x internals, so it is defensive: when the classes are not shaped as expected
 * (another Vert.x version) it leaves the socket as it is and says so once in the log; the socket works
 * exactly as before, it only keeps the bytes. {@code UpgradeLeftoversTest} pins it on the Vert.x in use.
 */
public final class UpgradeLeftovers {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeLeftovers.class);
  /** What {@code headers()} answers once released: empty, read-only, shared by every socket. */
  static final MultiMap NO_HEADERS = HeadersMultiMap.httpHeaders().copy(false);
  private static final Access ACCESS = Access.resolve();
  // Cleared at the first failure: one log line, not one per connection.
  private static volatile boolean enabled = ACCESS != null;

  private UpgradeLeftovers() {
  }

  /** True when {@link #release} can work on this Vert.x. */
  static boolean available() {
    return enabled;
  }

  /**
   * Drops the handshake state {@code ws} keeps. Call on the socket's event loop once everything the
   * session needs of the upgrade request has been read: afterwards {@code ws.headers()} is empty and
   * {@code ws.authority()} null; {@code ws.uri()} and {@code ws.path()} answer {@code endpointPath}
   * (the same instance for every socket) when they equal it. Returns whether it did.
   */
  public static boolean release(ServerWebSocket ws, String endpointPath) {
    if (!enabled || !(ws instanceof WebSocketInternal internal) || internal.channelHandlerContext() == null
        || ws.getClass() != ACCESS.socketType) return false;
    try {
      if (internal.channelHandlerContext().handler() instanceof VertxHandler<?> handler) ACCESS.factory.set(handler, null);
      ACCESS.setHeaders.invoke(ws, NO_HEADERS);
      ACCESS.authority.set(ws, null);
      if (endpointPath.equals(ws.path())) ACCESS.path.set(ws, endpointPath);
      if (endpointPath.equals(ws.uri())) ACCESS.uri.set(ws, endpointPath);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (enabled) {
        enabled = false;
        LOG.warn("event=upgrade_leftovers_kept error=\"{}\" (WebSockets keep their upgrade request in memory)", e.toString());
      }
      return false;
    }
  }

  /** The reflective handles, looked up once; null (and one log line) when Vert.x is not shaped as expected. */
  private record Access(Field factory, Method setHeaders, Class<?> socketType, Field authority, Field path, Field uri) {

    static Access resolve() {
      try {
        Field factory = field(VertxHandler.class, "connectionFactory");
        Method setHeaders = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredMethod("headers", MultiMap.class);
        setHeaders.setAccessible(true);
        Class<?> socketType = Class.forName("io.vertx.core.http.impl.ServerWebSocketImpl");
        return new Access(factory, setHeaders, socketType, field(socketType, "authority"), field(socketType, "path"), field(socketType, "uri"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("event=upgrade_leftovers_kept error=\"{}\" (WebSockets keep their upgrade request in memory)", e.toString());
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
