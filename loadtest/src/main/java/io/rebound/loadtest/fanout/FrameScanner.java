package io.rebound.loadtest.fanout;

/**
 * Cheap scanner for Centrifugo protocol v2 JSON frames (newline-delimited, blank lines skipped).
 *
 * <p>The hot path is publication pushes: it finds {@code "seq":}, {@code "t":} and {@code "offset":} with
 * {@code indexOf} and parses the numbers in place, with no JSON tree and no allocation. Pings ({@code {}}) are
 * recognised without allocation too. Replies and non-publication pushes are rare (handshake, unsubscribe,
 * join/leave) and are handed over as a line string for a full parse by the caller.
 */
public final class FrameScanner {

  /** Marker for a number that is absent from the line (or not a number). */
  public static final long NO_VALUE = Long.MIN_VALUE;

  private static final String PUSH = "\"push\":";
  private static final String PUB = "\"pub\":";
  private static final String CHANNEL = "\"channel\":\"";
  private static final String DATA = "\"data\":";
  private static final String SEQ = "\"seq\":";
  private static final String T = "\"t\":";
  private static final String OFFSET = "\"offset\":";

  /** Receives what one frame contains, in order. */
  public interface Listener {
    /** A server ping: an empty reply {@code {}}. */
    void onPing();

    /**
     * A publication push; {@code seq}, {@code t} (from the publication data) and {@code offset} are
     * {@link #NO_VALUE} when absent.
     */
    void onPublication(long seq, long t, long offset);

    /**
     * A publication push with the position of its channel name: {@code frame.substring(channelStart,
     * channelEnd)} (raw JSON string content; both -1 when absent). For listeners with several channels
     * per connection; compare with {@code frame.startsWith(name, channelStart)} to stay allocation-free.
     * The default drops the channel and calls {@link #onPublication(long, long, long)}.
     */
    default void onPublication(String frame, int channelStart, int channelEnd, long seq, long t, long offset) {
      onPublication(seq, t, offset);
    }

    /** Any other push (join, leave, unsubscribe, message...), as its raw line. */
    void onOtherPush(String line);

    /** A command reply (has an id, or an error), as its raw line. */
    void onReply(String line);
  }

  private FrameScanner() {}

  /** Feeds every non-blank line of {@code frame} to {@code listener}; returns the number of lines seen. */
  public static int scan(String frame, Listener listener) {
    int lines = 0;
    int start = 0;
    int len = frame.length();
    while (start < len) {
      int nl = frame.indexOf('\n', start);
      int end = nl < 0 ? len : nl;
      int s = skipSpace(frame, start, end);
      int e = trimEnd(frame, s, end);
      if (s < e) {
        lines++;
        scanLine(frame, s, e, listener);
      }
      start = end + 1;
    }
    return lines;
  }

  private static void scanLine(String f, int s, int e, Listener listener) {
    if (e - s == 2 && f.charAt(s) == '{' && f.charAt(s + 1) == '}') {
      listener.onPing();
      return;
    }
    int push = indexIn(f, PUSH, s, e);
    if (push < 0) {
      listener.onReply(f.substring(s, e));
      return;
    }
    int pub = indexIn(f, PUB, push, e);
    if (pub < 0) {
      listener.onOtherPush(f.substring(s, e));
      return;
    }
    int data = indexIn(f, DATA, pub, e);
    int from = data < 0 ? pub : data;
    int ch = indexIn(f, CHANNEL, push, pub);
    int chStart = ch < 0 ? -1 : ch + CHANNEL.length();
    int chEnd = ch < 0 ? -1 : f.indexOf('"', chStart);
    if (chEnd < 0 || chEnd > pub) chStart = chEnd = -1;
    listener.onPublication(f, chStart, chEnd, longAfter(f, SEQ, from, e), longAfter(f, T, from, e), longAfter(f, OFFSET, pub, e));
  }

  /** The integer that follows {@code key} (optional spaces, optional minus) in {@code [from, to)}, else {@link #NO_VALUE}. */
  static long longAfter(String f, String key, int from, int to) {
    int k = indexIn(f, key, from, to);
    if (k < 0) return NO_VALUE;
    int i = skipSpace(f, k + key.length(), to);
    boolean negative = i < to && f.charAt(i) == '-';
    if (negative) i++;
    long v = 0;
    int digits = 0;
    for (; i < to; i++, digits++) {
      char c = f.charAt(i);
      if (c < '0' || c > '9') break;
      v = v * 10 + (c - '0');
    }
    if (digits == 0) return NO_VALUE;
    return negative ? -v : v;
  }

  private static int indexIn(String f, String key, int from, int to) {
    int i = f.indexOf(key, from);
    return i >= 0 && i + key.length() <= to ? i : -1;
  }

  private static int skipSpace(String f, int i, int to) {
    while (i < to && isSpace(f.charAt(i))) i++;
    return i;
  }

  private static int trimEnd(String f, int from, int e) {
    while (e > from && isSpace(f.charAt(e - 1))) e--;
    return e;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\r' || c == '\t' || c == '\n';
  }
}
