package io.rebound.codec;

import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import java.util.Base64;
import java.util.Map;

/**
 * Minimal JSON text building for the hot path (publication pushes), where a tree model would
 * allocate per field; also the one place the JSON forms of a publication and a client info are
 * written (pushes, subscribe/history results, presence, the server API).
 */
public final class JsonText {
  private JsonText() {}

  /**
   * {@code {"data":...,"info":{...},"offset":N,"tags":{...}}} as in a push or a subscribe/history
   * result of the client protocol.
   *
   * @throws UnencodableException when the payload is not JSON (a JSON connection cannot carry it)
   */
  public static StringBuilder publication(StringBuilder out, Publication pub) {
    out.append("{\"data\":").append(dataText(pub.data()));
    return afterData(out, pub).append('}');
  }

  /**
   * The server API's form of a publication: as {@link #publication}, except that a payload that is
   * not JSON is given as {@code "b64data":"<base64>"} instead of {@code data}.
   */
  public static StringBuilder apiPublication(StringBuilder out, Publication pub) {
    if (pub.data().json()) out.append("{\"data\":").append(dataText(pub.data()));
    else out.append("{\"b64data\":\"").append(Base64.getEncoder().encodeToString(pub.data().bytes())).append('"');
    return afterData(out, pub).append('}');
  }

  /**
   * A JSON payload's text as a JSON frame carries it: on one line (its raw line breaks, allowed only
   * between tokens, left out).
   *
   * @throws UnencodableException when the payload is not JSON
   */
  public static String dataText(Payload data) {
    if (!data.json()) throw new UnencodableException("binary data (" + data.length() + " bytes) cannot be sent over the JSON protocol");
    return data.lineBreaks() ? JsonLines.oneLine(data.text()) : data.text();
  }

  /**
   * A JSON payload's bytes as a JSON frame carries them (the payload's own array when it has no line
   * break to leave out).
   *
   * @throws UnencodableException when the payload is not JSON
   */
  public static byte[] dataBytes(Payload data) {
    if (!data.json()) dataText(data);
    return data.lineBreaks() ? JsonLines.oneLine(data.text()).getBytes(java.nio.charset.StandardCharsets.UTF_8) : data.bytes();
  }

  /** A publication's members after {@code data}: {@code ,"info":{...},"offset":N,"tags":{...}} (each when present), without the closing brace. */
  public static StringBuilder afterData(StringBuilder out, Publication pub) {
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
    return out;
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
