package io.rebound.core;

/**
 * Values from outside (channel names, user ids, reasons, method names) made safe for the
 * {@code key=value} log lines: one value can never end the line, start a forged one, or look like
 * another key.
 *
 * <p>{@link #value} escapes every control character (C0, DEL, C1), the Unicode line and paragraph
 * separators, the backslash and the double quote as {@code \n}, {@code \\}, {@code \"} or {@code
 * \}{@code uXXXX}; a value that is empty or holds a space or '=' is wrapped in double quotes; a value
 * longer than {@link #MAX_CHARS} is cut there and says how much was left out. Plain values (the
 * usual {@code chat:index}, {@code alice}) come back unchanged, without a copy.
 */
public final class LogSafe {

  /** The most characters of one value written to a log line. */
  public static final int MAX_CHARS = 256;

  private LogSafe() {}

  /** {@code v} as a log value; {@code null} for null. */
  public static String value(Object v) {
    if (v == null) return "null";
    String s = v.toString();
    if (isPlain(s)) return s;
    int shown = Math.min(s.length(), MAX_CHARS);
    // Never cut a surrogate pair in two: the half would be escaped as a lone surrogate.
    if (shown < s.length() && Character.isHighSurrogate(s.charAt(shown - 1))) shown--;
    StringBuilder out = new StringBuilder(shown + 16).append('"');
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (needsEscape(c)) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    if (shown < s.length()) out.append("...(").append(s.length() - shown).append(" more chars)");
    return out.append('"').toString();
  }

  private static boolean isPlain(String s) {
    if (s.isEmpty() || s.length() > MAX_CHARS) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '=' || c == '"' || c == '\\' || needsEscape(c)) return false;
    }
    return true;
  }

  private static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
