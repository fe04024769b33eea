package io.rebound.webhook;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what the node logs (slf4j-simple writes to {@code System.err}, looked up on every line)
 * while still passing it through, so a test can count log lines of one event.
 */
final class LogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  LogCapture() {
    System.setErr(new PrintStream(new TeeStream(), true, StandardCharsets.UTF_8));
  }

  /** Lines logged since the capture started that contain {@code text}. */
  List<String> lines(String text) {
    String all;
    synchronized (captured) {
      all = captured.toString(StandardCharsets.UTF_8);
    }
    return Arrays.stream(all.split("\n")).filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }

  private final class TeeStream extends java.io.OutputStream {
    @Override
    public void write(int b) {
      synchronized (captured) {
        captured.write(b);
      }
      original.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (captured) {
        captured.write(b, off, len);
      }
      original.write(b, off, len);
    }
  }
}
