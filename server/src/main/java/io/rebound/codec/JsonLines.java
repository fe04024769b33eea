package io.rebound.codec;

/**
 * Keeps JSON text on one line. The client protocol's JSON frames are newline-delimited, so a payload
 * stored with a raw line break (pretty-printed JSON from a backend) would split every subscriber's
 * frame — live, in history replies and in recoveries — for as long as it stays in history.
 */
public final class JsonLines {
  private JsonLines() {}

  /**
   * {@code json} (one valid JSON value) without the raw CR and LF characters between its tokens,
   * where JSON allows them only as insignificant whitespace; everything else, string contents
   * included, is kept byte for byte. The same instance when there is no line break to remove.
   */
  public static String oneLine(String json) {
    if (json.indexOf('\n') < 0 && json.indexOf('\r') < 0) return json;
    StringBuilder out = new StringBuilder(json.length());
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\' && i + 1 < json.length()) {
          out.append(json.charAt(++i)); // the escaped character, whatever it is, stays inside the string
        } else if (c == '"') {
          inString = false;
        }
      } else if (c != '\n' && c != '\r') {
        out.append(c);
        if (c == '"') inString = true;
      }
    }
    return out.toString();
  }
}
