package io.rebound.edge.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may open a connection to the node ({@code allowed_origins}, README "Limits"):
 * a WebSocket (the edge's handshake handler) or an HTTP connection endpoint ({@link HttpTransports}).
 * A browser always sends the page's {@code Origin} with a WebSocket handshake and a cross-origin
 * request, and a page of any site can open one to any host with the user's cookies: the check is what
 * keeps another site's page from talking to Rebound as the visitor.
 *
 * <ul>
 *   <li>No {@code Origin} header: allowed. Native apps and servers send none, and a browser cannot
 *       leave it out.
 *   <li>{@code ["*"]}: every origin.
 *   <li>No patterns (the default): only the node's own origin, the {@code Origin}'s {@code host[:port]}
 *       equal to the request's {@code Host} — a page served by the node itself, or behind the same
 *       proxy name.
 *   <li>Otherwise the origin must match one of the patterns, ignoring case, where {@code *} stands for
 *       any run of characters ({@code https://*.example.com}).
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class OriginPolicy {

  /** Longer Origin headers are refused unmatched: no page has one, and matching stays cheap. */
  static final int MAX_ORIGIN_LENGTH = 1024;

  private final List<String> patterns;
  private final boolean any;

  public OriginPolicy(List<String> allowedOrigins) {
    this.patterns = allowedOrigins.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    this.any = patterns.contains("*");
  }

  /** Whether a handshake with {@code origin} (null: none sent) and {@code host} (the Host header, may be null) is allowed. */
  public boolean allows(String origin, String host) {
    if (origin == null || any) return true;
    if (origin.length() > MAX_ORIGIN_LENGTH) return false;
    String o = origin.toLowerCase(Locale.ROOT);
    if (patterns.isEmpty()) return host != null && o.equals(originHostOf(o)) && authority(o).equals(host.toLowerCase(Locale.ROOT));
    for (String p : patterns) if (matches(p, o)) return true;
    return false;
  }

  // The origin itself when it is a well-formed scheme://authority (no path): "null" and junk are not.
  private static String originHostOf(String origin) {
    try {
      URI uri = new URI(origin);
      if (uri.getScheme() == null || uri.getRawAuthority() == null) return null;
      if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) return null;
      return origin;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static String authority(String origin) {
    return origin.substring(origin.indexOf("://") + 3);
  }

  /**
   * Wildcard match of the whole text; on a mismatch after a star, the star takes one more character
   * and matching resumes there. At most (text × pattern) steps, never exponential.
   */
  static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int starText = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        starText = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++starText;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') p++;
    return p == pattern.length();
  }
}
