package io.rebound.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP port on 127.0.0.1 whose connections are forwarded to a Unix domain socket: the test's end of the path to a
 * node in another network namespace ({@code src/test/js/uds-bridge.mjs} is the other end, inside the namespace). A
 * thread per direction per connection: for a handful of test clients, not for load.
 */
public final class UnixSocketRelay implements AutoCloseable {

  private final ServerSocketChannel server;
  private final Path socket;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private UnixSocketRelay(Path socket) throws IOException {
    this.socket = socket;
    this.server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread accept = new Thread(this::acceptLoop, "relay-" + socket.getFileName());
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts relaying a free local port to {@code socket}. */
  public static UnixSocketRelay start(Path socket) {
    try {
      return new UnixSocketRelay(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local TCP port. */
  public int port() {
    return server.socket().getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel front;
      try {
        front = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      SocketChannel back;
      try {
        back = SocketChannel.open(StandardProtocolFamily.UNIX);
        back.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        closeQuietly(front);
        continue;
      }
      open.add(front);
      open.add(back);
      pump(front, back);
      pump(back, front);
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread t = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      try {
        while (from.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) to.write(buf);
          buf.clear();
        }
      } catch (IOException e) {
        // either side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(SocketChannel c) {
    open.remove(c);
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(this::closeQuietly);
  }
}
