package io.rebound.codec;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * Encodes server pushes ({@code {"push":{...}}}). A publication push is built once per publication
 * and the same bytes go to every subscriber, so this is the only place that formats them.
 */
public final class Pushes {
  private Pushes() {}

  public static Buffer publication(String channel, Publication pub) {
    StringBuilder out = new StringBuilder(pub.data().length() + channel.length() + 64);
    out.append("{\"push\":{\"channel\":");
    JsonText.quote(out, channel).append(",\"pub\":");
    publicationBody(out, pub);
    out.append("}}");
    return Buffer.buffer(out.toString());
  }

  /** {@code {"data":...,"info":{...},"offset":N,"tags":{...}}} as in a push or a subscribe/history result. */
  public static StringBuilder publicationBody(StringBuilder out, Publication pub) {
    out.append("{\"data\":").append(pub.data());
    if (pub.info() != null) clientInfo(out.append(",\"info\":"), pub.info());
    if (pub.offset() > 0) out.append(",\"offset\":").append(pub.offset());
    if (pub.tags() != null) {
      out.append(",\"tags\":{");
      boolean first = true;
      for (Map.Entry<String, String> tag : pub.tags().entrySet()) {
        if (!first) out.append(',');
        first = false;
        JsonText.quote(out, tag.getKey()).append(':');
        JsonText.quote(out, tag.getValue());
      }
      out.append('}');
    }
    return out.append('}');
  }

  public static StringBuilder clientInfo(StringBuilder out, ClientInfo info) {
    out.append("{\"user\":");
    JsonText.quote(out, info.user()).append(",\"client\":");
    JsonText.quote(out, info.client());
    if (info.connInfo() != null) out.append(",\"conn_info\":").append(info.connInfo());
    if (info.chanInfo() != null) out.append(",\"chan_info\":").append(info.chanInfo());
    return out.append('}');
  }

  public static Buffer join(String channel, ClientInfo info) {
    return joinLeave("join", channel, info);
  }

  public static Buffer leave(String channel, ClientInfo info) {
    return joinLeave("leave", channel, info);
  }

  private static Buffer joinLeave(String kind, String channel, ClientInfo info) {
    StringBuilder out = new StringBuilder(128).append("{\"push\":{\"channel\":");
    JsonText.quote(out, channel).append(",\"").append(kind).append("\":{\"info\":");
    clientInfo(out, info);
    return Buffer.buffer(out.append("}}}").toString());
  }

  /** Server unsubscribe: codes ≥ 2500 make the SDK resubscribe (with recovery), lower codes are final. */
  public static Buffer unsubscribe(String channel, int code, String reason) {
    StringBuilder out = new StringBuilder(96).append("{\"push\":{\"channel\":");
    JsonText.quote(out, channel).append(",\"unsubscribe\":{\"code\":").append(code).append(",\"reason\":");
    JsonText.quote(out, reason);
    return Buffer.buffer(out.append("}}}").toString());
  }

  /** A server-side subscription added at runtime ({@code subscribe} push). */
  public static Buffer subscribe(String channel, String resultJson) {
    StringBuilder out = new StringBuilder(96).append("{\"push\":{\"channel\":");
    JsonText.quote(out, channel).append(",\"subscribe\":").append(resultJson);
    return Buffer.buffer(out.append("}}").toString());
  }

  /**
   * Rebound extension (docs/EXTENSIONS.md): continuity of {@code channel} broke while the
   * subscription stays; what is missing is {@code (since, attach]}, readable with {@code history}
   * {@code until_attach}.
   */
  public static Buffer discontinuity(String channel, String reason, long sinceOffset, String sinceEpoch, long attachOffset, String attachEpoch) {
    StringBuilder out = new StringBuilder(160).append("{\"push\":{\"channel\":");
    JsonText.quote(out, channel).append(",\"discontinuity\":{\"reason\":");
    JsonText.quote(out, reason).append(",\"since\":{\"offset\":").append(sinceOffset).append(",\"epoch\":");
    JsonText.quote(out, sinceEpoch).append("},\"attach\":{\"offset\":").append(attachOffset).append(",\"epoch\":");
    JsonText.quote(out, attachEpoch);
    return Buffer.buffer(out.append("}}}}").toString());
  }

  public static Buffer message(String rawData) {
    return Buffer.buffer("{\"push\":{\"message\":{\"data\":" + rawData + "}}}");
  }
}
