package io.rebound.api;

import java.util.HashMap;
import java.util.Map;

/**
 * A channel glob of the {@code channels} API: {@code *} matches any run of characters (also none),
 * {@code ?} exactly one, every other character itself; matched against the whole name.
 *
 * <p>Linear: a name is read once, left to right, carrying the set of pattern positions reachable so
 * far as a bit set (a Shift-And automaton whose stars are self-loops), so one match costs at most
 * (name length) × (pattern length / 64) word operations whatever the pattern. A regex with a {@code
 * .*} per star backtracks instead: {@code *a*a*a*a*b} held an event loop for seconds. Patterns are
 * capped at {@link #MAX_LENGTH} characters. Immutable and thread-safe.
 */
final class Glob {

  /** The longest pattern accepted (107 above): room for a name of the maximum length and stars around it. */
  static final int MAX_LENGTH = 512;

  /** Pattern positions (bit i+1 = the i-th non-star element) that a code point may advance to. */
  private final Map<Integer, long[]> literalMasks = new HashMap<>();
  private final long[] anyMask;
  private final long[] loops; // positions with a star: they may stay put on any code point
  private final int accept;   // the position reached when every element is matched
  private final int words;

  private Glob(int[] elements, boolean[] starAt) {
    accept = elements.length;
    words = accept / 64 + 1;
    anyMask = new long[words];
    loops = new long[words];
    for (int i = 0; i < elements.length; i++) {
      long[] mask = elements[i] == '?' ? anyMask : literalMasks.computeIfAbsent(elements[i], c -> new long[words]);
      set(mask, i + 1);
    }
    for (int i = 0; i <= accept; i++) if (starAt[i]) set(loops, i);
  }

  /**
   * The glob of {@code pattern}.
   *
   * @throws IllegalArgumentException when it is longer than {@link #MAX_LENGTH} characters
   */
  static Glob compile(String pattern) {
    if (pattern.length() > MAX_LENGTH) throw new IllegalArgumentException("pattern longer than " + MAX_LENGTH + " characters");
    int[] points = pattern.codePoints().toArray();
    int count = 0;
    for (int p : points) if (p != '*') count++;
    int[] elements = new int[count];
    boolean[] starAt = new boolean[count + 1];
    int n = 0;
    for (int p : points) {
      if (p == '*') starAt[n] = true;
      else elements[n++] = p;
    }
    return new Glob(elements, starAt);
  }

  boolean matches(String name) {
    long[] state = new long[words];
    long[] next = new long[words];
    set(state, 0);
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      long[] literal = literalMasks.get(c);
      boolean alive = false;
      long carry = 0;
      for (int w = 0; w < words; w++) {
        long shifted = (state[w] << 1) | carry;
        carry = state[w] >>> 63;
        long advance = shifted & (anyMask[w] | (literal == null ? 0 : literal[w]));
        next[w] = advance | (state[w] & loops[w]);
        alive |= next[w] != 0;
      }
      if (!alive) return false;
      long[] swap = state;
      state = next;
      next = swap;
    }
    return (state[accept / 64] & (1L << (accept % 64))) != 0;
  }

  private static void set(long[] bits, int i) {
    bits[i / 64] |= 1L << (i % 64);
  }
}
