package io.rebound.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare TCP socket, for what a WebSocket library will not do: several frames
 * (say a command and a close frame) written in one TCP write, so the server reads them together.
 */
public final class RawSocket implements AutoCloseable {

  private final Socket socket;

  private RawSocket(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code port} and completes the WebSocket handshake on /connection/websocket. */
  public static RawSocket open(int port) {
    return open(port, 0);
  }

  /**
   * As {@link #open(int)}, with a receive buffer of {@code receiveBufferBytes} (0: the default) set
   * before connecting, so the advertised TCP window stays that small: a client that stops reading
   * stalls the server quickly.
   */
  public static RawSocket open(int port, int receiveBufferBytes) {
    try {
      Socket s = new Socket();
      if (receiveBufferBytes > 0) s.setReceiveBufferSize(receiveBufferBytes);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      String req = "GET /connection/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) throw new IOException("closed during handshake: " + head);
        head.append((char) c);
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) throw new IOException("handshake refused: " + head);
      return new RawSocket(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A masked text frame. */
  public static byte[] text(String text) {
    return frame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A masked text frame carrying {@code payload} as given, valid UTF-8 or not. */
  public static byte[] text(byte[] payload) {
    return frame(0x1, payload);
  }

  /** A masked close frame with {@code code}. */
  public static byte[] close(int code) {
    return frame(0x8, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  /** Writes {@code frames} with a single write. */
  public void write(byte[]... frames) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] f : frames) all.writeBytes(f);
    try {
      socket.getOutputStream().write(all.toByteArray());
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads server frames until a text frame contains {@code marker}; fails on a close frame. */
  public void readUntil(String marker) {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        Frame f = readFrame(in);
        if (f.isClose()) throw new IOException("closed by server before " + marker);
        if (new String(f.payload(), StandardCharsets.UTF_8).contains(marker)) return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads server frames until a close frame and returns its status code (-1 for a close frame
   * without one); fails when the connection ends without a close frame.
   */
  public int readCloseCode() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        Frame f = readFrame(in);
        if (f.isClose()) return f.closeCode();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads server frames until the connection ends (EOF or reset) and returns the status code of the
   * last close frame read (-1 if there was none); fails when the connection does not end within the
   * read timeout (10 s).
   */
  public int readToTheEnd() {
    int closeCode = -1;
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        Frame f = readFrame(in);
        if (f.isClose()) closeCode = f.closeCode();
      }
    } catch (java.io.EOFException | java.net.SocketException ended) {
      return closeCode;
    } catch (IOException e) {
      throw new UncheckedIOException("the connection did not end: " + e, e);
    }
  }

  /** One server frame (servers do not mask): its opcode and payload. */
  private record Frame(int opcode, byte[] payload) {
    boolean isClose() {
      return opcode == 0x8;
    }

    /** The close frame's status code, or -1 for a close frame without one. */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private static Frame readFrame(DataInputStream in) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) len = in.readUnsignedShort();
    else if (len == 127) len = in.readLong();
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  private static byte[] frame(int opcode, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i % 4]);
    return f.toByteArray();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
