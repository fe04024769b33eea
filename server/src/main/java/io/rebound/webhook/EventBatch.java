package io.rebound.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The request body of one webhook call: {@code {"events":[...]}}, events in delivery order. */
final class EventBatch {

  private static final JsonFactory JSON = new JsonFactory();

  private EventBatch() {}

  static Buffer encode(List<WebhookEvent> events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160 * events.size() + 16);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (WebhookEvent e : events) e.write(g);
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode webhook events", e); // an in-memory stream does not fail
    }
    return Buffer.buffer(bytes.toByteArray());
  }
}
