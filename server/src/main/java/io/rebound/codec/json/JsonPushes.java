package io.rebound.codec.json;

import io.rebound.codec.JsonText;
import io.rebound.codec.Push;
import io.vertx.core.buffer.Buffer;

/**
 * Writes server pushes, {@code {"push":{"channel":...,"<kind>":{...}}}}, as text built by hand: a
 * publication push is encoded once per publication and its bytes go to every subscriber, and a tree
 * model would allocate per field. Stateless and thread-safe.
 */
final class JsonPushes {
  private JsonPushes() {}

  static Buffer encode(Push push) {
    StringBuilder out = start(push);
    if (push instanceof Push.Pub p) {
      JsonText.publication(out.append(",\"pub\":"), p.publication());
      out.append("}}");
    } else if (push instanceof Push.Join j) {
      JsonText.clientInfo(out.append(",\"join\":{\"info\":"), j.info()).append("}}}");
    } else if (push instanceof Push.Leave l) {
      JsonText.clientInfo(out.append(",\"leave\":{\"info\":"), l.info()).append("}}}");
    } else if (push instanceof Push.Unsubscribe u) {
      out.append(",\"unsubscribe\":{\"code\":").append(u.code()).append(",\"reason\":");
      JsonText.quote(out, u.reason()).append("}}}");
    } else if (push instanceof Push.Subscribe s) {
      out.append(",\"subscribe\":").append(JsonResults.subscribeText(s.result())).append("}}");
    } else if (push instanceof Push.Discontinuity d) {
      out.append(",\"discontinuity\":{\"reason\":");
      JsonText.quote(out, d.reason()).append(",\"since\":{\"offset\":").append(d.since().offset()).append(",\"epoch\":");
      JsonText.quote(out, d.since().epoch()).append("},\"attach\":{\"offset\":").append(d.attach().offset()).append(",\"epoch\":");
      JsonText.quote(out, d.attach().epoch()).append("}}}}");
    } else if (push instanceof Push.Disconnect d) {
      out.append("\"disconnect\":{\"code\":").append(d.code()).append(",\"reason\":"); // no channel: first field
      JsonText.quote(out, d.reason()).append("}}}");
    } else {
      throw new IllegalArgumentException("no JSON form for " + push);
    }
    return Buffer.buffer(out.toString());
  }

  private static final String PUSH_START = "{\"push\":{";

  /** The push up to its first field: the channel, left out when the push belongs to none (as Centrifugo omits it). */
  private static StringBuilder start(Push push) {
    int size = push instanceof Push.Pub p ? p.publication().data().length() + push.channel().length() + 64 : 128;
    StringBuilder out = new StringBuilder(size).append(PUSH_START);
    return push.channel().isEmpty() ? out : JsonText.quote(out.append("\"channel\":"), push.channel());
  }
}
