package io.rebound.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node's loggers write while it is open: slf4j-simple prints to {@code System.err} at each
 * call, so the lines are taken from there (a copy still reaches the real stream). The loggers named
 * at {@link #start} log at debug meanwhile, so debug-level lines (disconnect reasons, socket errors)
 * are seen too; their levels are restored on {@link #close}.
 */
public final class LogCapture implements AutoCloseable {

  private static final int DEBUG = 10; // org.slf4j.spi.LocationAwareLogger.DEBUG_INT

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final Map<Logger, Integer> levels = new java.util.HashMap<>();

  private LogCapture() {}

  /** Starts capturing; the loggers of {@code debugClasses} log at debug until {@link #close}. */
  public static LogCapture start(Class<?>... debugClasses) {
    LogCapture c = new LogCapture();
    for (Class<?> type : debugClasses) {
      Logger logger = LoggerFactory.getLogger(type);
      c.levels.put(logger, c.level(logger, DEBUG));
    }
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        synchronized (c.captured) {
          c.captured.write(b);
        }
        c.original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (c.captured) {
          c.captured.write(b, off, len);
        }
        c.original.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    return c;
  }

  /** Every line written so far (split on line ends: a value that ended its line would show as two). */
  public List<String> lines() {
    String text;
    synchronized (captured) {
      text = captured.toString(StandardCharsets.UTF_8);
    }
    return new ArrayList<>(Arrays.asList(text.split("\r\n|\r|\n|\u0085|\u2028|\u2029")));
  }

  /** The lines that contain {@code event=<name>}. */
  public List<String> event(String name) {
    return lines().stream().filter(l -> l.contains("event=" + name)).toList();
  }

  /** Sets {@code logger}'s level through slf4j-simple's field; returns the previous one. */
  private int level(Logger logger, int level) {
    try {
      Field f = Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("currentLogLevel");
      f.setAccessible(true);
      int was = f.getInt(logger);
      f.setInt(logger, level);
      return was;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("slf4j-simple changed: update LogCapture", e);
    }
  }

  @Override
  public void close() {
    System.setErr(original);
    levels.forEach(this::level);
  }
}
