package io.rebound.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One node's answer to a {@code channels} request, as it travels between nodes: the JSON object
 * {@code {"channel": subscribers, …}} of the node's channels that match the request's pattern, at most
 * {@link #MAX_REPLY_BYTES} long. Encoding and decoding are linear in the channel list, so callers run
 * them off the event loops ({@code executeBlocking}). Stateless; thread-safe.
 */
final class ChannelCounts {
  private ChannelCounts() {}

  /**
   * The most one node's answer may take: about 150,000 channels of 40-character names. A node whose
   * matching channels need more fails the request with 106 (limit exceeded) instead of building an
   * answer of any size: a narrower {@code pattern} gets through. Also what bounds the answering
   * node's and the asking node's memory per request (nodes × this).
   */
  static final int MAX_REPLY_BYTES = 8 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The channels of {@code channels} that {@code filter} matches (null: all), encoded; fails with 106
   * past {@code maxBytes} of encoding.
   */
  static Buffer encode(Map<String, Integer> channels, Glob filter, int maxBytes) {
    Bounded out = new Bounded(maxBytes);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Integer> e : channels.entrySet()) {
        if (filter == null || filter.matches(e.getKey())) g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } catch (TooLarge e) {
      throw ErrorCode.LIMIT_EXCEEDED.exception("more than " + maxBytes + " bytes of channels match on one node: narrow the pattern");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.buffer;
  }

  /** Adds the subscriber counts of an {@link #encode}d answer into {@code into} (channel → sum). */
  static void mergeInto(Map<String, Integer> into, Buffer encoded) {
    try (JsonParser p = JSON.createParser(encoded.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a channel count object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String channel = p.currentName();
        p.nextToken();
        into.merge(channel, p.getIntValue(), Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Thrown by {@link Bounded} past its limit: stops the encoding at once. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super(null, null);
    }
  }

  /** A Buffer that refuses to grow past its limit. */
  private static final class Bounded extends OutputStream {
    final Buffer buffer = Buffer.buffer();
    private final int limit;

    Bounded(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (buffer.length() + 1 > limit) throw new TooLarge();
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (buffer.length() + len > limit) throw new TooLarge();
      buffer.appendBytes(b, off, len);
    }
  }
}
