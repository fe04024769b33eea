package io.rebound.codec;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import java.util.Map;

/**
 * Minimal JSON text building for the hot path (publication pushes), where a tree model would
 * allocate per field; also the one place the JSON forms of a publication and a client info are
 * written (pushes, subscribe/history results, presence, the server API).
 */
public final class JsonText {
  private JsonText() {}

  /** {@code {"data":...,"info":{...},"offset":N,"tags":{...}}} as in a push or a subscribe/history result. */
  public static StringBuilder publication(StringBuilder out, Publication pub) {
    out.append("{\"data\":").append(pub.data());
    if (pub.info() != null) clientInfo(out.append(",\"info\":"), pub.info());
    if (pub.offset() > 0) out.append(",\"offset\":").append(pub.offset());
    if (pub.tags() != null) {
      out.append(",\"tags\":{");
      boolean first = true;
      for (Map.Entry<String, String> tag : pub.tags().entrySet()) {
        if (!first) out.append(',');
        first = false;
        quote(out, tag.getKey()).append(':');
        quote(out, tag.getValue());
      }
      out.append('}');
    }
    return out.append('}');
  }

  /** {@code {"user":...,"client":...,"conn_info":...,"chan_info":...}}; the infos are raw JSON. */
  public static StringBuilder clientInfo(StringBuilder out, ClientInfo info) {
    out.append("{\"user\":");
    quote(out, info.user()).append(",\"client\":");
    quote(out, info.client());
    if (info.connInfo() != null) out.append(",\"conn_info\":").append(info.connInfo());
    if (info.chanInfo() != null) out.append(",\"chan_info\":").append(info.chanInfo());
    return out.append('}');
  }

  /** Appends {@code s} as a quoted JSON string. */
  public static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"');
  }
}
