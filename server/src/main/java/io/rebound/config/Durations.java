package io.rebound.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration forms accepted in the config file (also used by the command line: {@code gentoken --ttl}). */
public final class Durations {

  public static final String HINT = "(use e.g. \"600s\", \"10m\", \"1h\", \"250ms\")";

  // Go-style sums such as "1h30m": Centrifugo configs are written this way, so we accept the same
  // spelling for the units that make sense for a broker (no ns/us, no fractions).
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /**
   * The duration spelled by {@code text} ("250ms", "600s", "10m", "1h", "1h30m" or "0"), or
   * {@code null} when it is not a duration (including overflow).
   */
  public static Duration parse(String text) {
    if (text.equals("0")) return Duration.ZERO;
    if (!WHOLE.matcher(text).matches()) return null;
    try {
      Duration total = Duration.ZERO;
      Matcher m = PART.matcher(text);
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        });
      }
      return total;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }
}
