package io.rebound.edge.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Bare TCP sockets to a node's HTTP port that behave like slow or idle clients (slowloris and friends). */
final class SlowSockets {

  private SlowSockets() {}

  static Socket open(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Socket s, String ascii) {
    try {
      s.getOutputStream().write(ascii.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the server has closed {@code s}, waiting at most {@code waitMillis} for it: end of stream
   * or a reset is closed, silence is open. Bytes the server sends are read and skipped.
   */
  static boolean closedByServer(Socket s, int waitMillis) {
    try {
      s.setSoTimeout(waitMillis);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) return true;
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code line} every {@code everyMillis} (a client trickling bytes so no idle timer fires)
   * until the server closes the socket; returns how long that took, or -1 after {@code maxMillis}.
   */
  static long trickleUntilClosed(Socket s, String line, int everyMillis, long maxMillis) {
    long start = System.nanoTime();
    while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
      try {
        s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      } catch (IOException e) {
        return (System.nanoTime() - start) / 1_000_000; // the server closed (and reset) it
      }
      if (closedByServer(s, everyMillis)) return (System.nanoTime() - start) / 1_000_000;
    }
    return -1;
  }

  /** Opens a socket to {@code port} that sends nothing; whether the server closed it within {@code withinMillis}. */
  static boolean silentSocketClosed(int port, int withinMillis) {
    Socket idle = open(port);
    try {
      return closedByServer(idle, withinMillis);
    } finally {
      closeQuietly(idle);
    }
  }

  /**
   * A slowloris on {@code port}: the request line of {@code GET path} and a header line every 200 ms, never the end
   * of the head; how long until the server closed it, or -1 after {@code withinMillis}.
   */
  static long slowlorisClosedAfter(int port, String path, int withinMillis) {
    Socket slow = open(port);
    try {
      write(slow, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      return trickleUntilClosed(slow, "X-Slow: 1\r\n", 200, withinMillis);
    } finally {
      closeQuietly(slow);
    }
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
