package io.rebound.codec.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.rebound.codec.JsonText;
import io.rebound.codec.Replies;
import io.rebound.codec.Result;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes command replies, {@code {"id":N,"<method>":{...}}} or {@code {"id":N,"error":{...}}},
 * streaming through Jackson's generator: the same escaping and number forms the protocol always had,
 * without building a tree. Optional fields are left out when absent; publications and client infos
 * are written in their one JSON form ({@link JsonText}). Stateless and thread-safe.
 */
final class JsonResults {

  private static final JsonFactory JSON = Replies.JSON.getFactory();

  private JsonResults() {}

  static Buffer reply(long id, Result result) {
    return Buffer.buffer(write(g -> {
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeFieldName(result.method());
      result(g, result);
      g.writeEndObject();
    }));
  }

  /** A result without a command id around it, {@code {"<method>":{...}}}: the unidirectional protocol's connect push. */
  static Buffer bare(Result result) {
    return Buffer.buffer(write(g -> {
      g.writeStartObject();
      g.writeFieldName(result.method());
      result(g, result);
      g.writeEndObject();
    }));
  }

  static Buffer error(long id, ProtocolException e) {
    ErrorCode code = e.error();
    return Buffer.buffer(write(g -> {
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeObjectFieldStart("error");
      g.writeNumberField("code", e.code());
      g.writeStringField("message", e.getMessage() == null ? code.message : e.getMessage());
      if (e.temporary()) g.writeBooleanField("temporary", true);
      g.writeEndObject();
      g.writeEndObject();
    }));
  }

  /** A subscribe result as JSON text (for the subscribe push). */
  static String subscribeText(Result.Subscribe result) {
    return new String(write(g -> subscribe(g, result)), StandardCharsets.UTF_8);
  }

  private static void result(JsonGenerator g, Result result) throws IOException {
    if (result instanceof Result.Subscribe s) subscribe(g, s);
    else if (result instanceof Result.Connect c) connect(g, c);
    else if (result instanceof Result.History h) history(g, h);
    else if (result instanceof Result.Presence p) presence(g, p.members());
    else if (result instanceof Result.PresenceStats s) {
      g.writeStartObject();
      g.writeNumberField("num_clients", s.numClients());
      g.writeNumberField("num_users", s.numUsers());
      g.writeEndObject();
    } else if (result instanceof Result.Refresh r) {
      g.writeStartObject();
      g.writeStringField("client", r.client());
      g.writeStringField("version", r.version());
      ttl(g, r.ttl());
      g.writeEndObject();
    } else if (result instanceof Result.SubRefresh r) {
      g.writeStartObject();
      ttl(g, r.ttl());
      g.writeEndObject();
    } else if (result instanceof Result.Rpc r) {
      g.writeStartObject();
      if (r.data() != null) {
        g.writeFieldName("data");
        g.writeRawValue(r.data());
      }
      g.writeEndObject();
    } else if (result instanceof Result.Empty) {
      g.writeStartObject();
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("no JSON form for " + result);
    }
  }

  private static void connect(JsonGenerator g, Result.Connect c) throws IOException {
    g.writeStartObject();
    g.writeStringField("client", c.client());
    g.writeStringField("version", c.version());
    ttl(g, c.ttl());
    // A session is resumable only with a window; an emulated connection's session alone names it for POST /emulation.
    if (c.session() != null) g.writeStringField("session", c.session());
    if (c.session() != null && c.resumeWindow() > 0) g.writeNumberField("resume_window", c.resumeWindow());
    if (c.node() != null) g.writeStringField("node", c.node());
    if (c.ping() != null) g.writeNumberField("ping", c.ping());
    if (c.pong()) g.writeBooleanField("pong", true);
    if (c.resumed() != null) g.writeBooleanField("resumed", c.resumed());
    if (c.lastCommand() != null) g.writeNumberField("last_command", c.lastCommand());
    if (c.data() != null) {
      g.writeFieldName("data");
      g.writeRawValue(c.data());
    }
    if (!c.subs().isEmpty()) {
      g.writeObjectFieldStart("subs");
      for (Map.Entry<String, Result.Subscribe> e : c.subs().entrySet()) {
        g.writeFieldName(e.getKey());
        subscribe(g, e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void subscribe(JsonGenerator g, Result.Subscribe s) throws IOException {
    g.writeStartObject();
    if (s.recoverable()) g.writeBooleanField("recoverable", true);
    if (s.positioned()) {
      g.writeBooleanField("positioned", true);
      g.writeStringField("epoch", s.epoch());
    }
    if (s.offset() > 0) g.writeNumberField("offset", s.offset());
    if (s.wasRecovering()) g.writeBooleanField("was_recovering", true);
    if (s.recovered()) g.writeBooleanField("recovered", true);
    if (!s.publications().isEmpty()) {
      g.writeFieldName("publications");
      publications(g, s.publications());
    }
    if (s.data() != null) {
      g.writeFieldName("data");
      g.writeRawValue(s.data());
    }
    ttl(g, s.ttl());
    g.writeEndObject();
  }

  private static void history(JsonGenerator g, Result.History h) throws IOException {
    g.writeStartObject();
    g.writeFieldName("publications");
    publications(g, h.publications());
    g.writeStringField("epoch", h.top().epoch());
    g.writeNumberField("offset", h.top().offset());
    g.writeEndObject();
  }

  private static void presence(JsonGenerator g, Map<String, ClientInfo> members) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("presence");
    StringBuilder sb = new StringBuilder(128);
    for (Map.Entry<String, ClientInfo> e : members.entrySet()) {
      sb.setLength(0);
      g.writeFieldName(e.getKey());
      g.writeRawValue(JsonText.clientInfo(sb, e.getValue()).toString());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void publications(JsonGenerator g, List<Publication> pubs) throws IOException {
    g.writeStartArray();
    StringBuilder sb = new StringBuilder(256);
    for (Publication p : pubs) {
      sb.setLength(0);
      g.writeRawValue(JsonText.publication(sb, p).toString());
    }
    g.writeEndArray();
  }

  private static void ttl(JsonGenerator g, Long ttl) throws IOException {
    if (ttl == null) return;
    g.writeBooleanField("expires", true);
    g.writeNumberField("ttl", ttl);
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode reply", e);
    }
    return out.toByteArray();
  }
}
