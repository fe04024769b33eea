package io.rebound.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the byte-size forms accepted in the config file: a whole number of bytes, or a number with a unit. */
final class ByteSizes {

  static final String HINT = "(use a number of bytes or e.g. \"512KiB\", \"64MiB\", \"1GiB\", \"500MB\")";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|KiB|MiB|GiB)?");

  private ByteSizes() {}

  /** The bytes spelled by {@code text} ("1048576", "512KiB", "64MB", ...), or -1 when it is not a size (or overflows). */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) return -1;
    long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }
}
