package io.rebound.core;

/**
 * UTF-8 sizes of Java strings without encoding them: limits that the wire counts in bytes (channel
 * names, close reasons, publication sizes) are checked on the text as it is held.
 */
public final class Utf8 {
  private Utf8() {}

  /** The number of bytes {@code s} takes in UTF-8 (an unpaired surrogate counts as the 3 bytes of its replacement). */
  public static int length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * The longest prefix of {@code s} that takes at most {@code maxBytes} bytes in UTF-8, never ending
   * inside a code point (a surrogate pair is kept or dropped whole); {@code s} itself when it fits.
   */
  public static String truncate(String s, int maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0");
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (c < 0x80) {
        width = 1;
      } else if (c < 0x800) {
        width = 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 4;
        chars = 2;
      } else {
        width = 3;
      }
      if (bytes + width > maxBytes) return s.substring(0, i);
      bytes += width;
      i += chars - 1;
    }
    return s;
  }
}
