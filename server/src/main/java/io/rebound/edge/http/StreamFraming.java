package io.rebound.edge.http;

import io.vertx.core.buffer.Buffer;

/**
 * How a frame of the connection's wire format (one or more messages, joined as its codec joins
 * them) goes onto a streaming HTTP response. JSON messages never hold a raw line break (the
 * protocol keeps payloads on one line), so a joined JSON frame splits into its messages at
 * {@code '\n'}. Stateless.
 */
enum StreamFraming {

  /** HTTP streaming with JSON: every message ends with a line break ({@code http_stream}, {@code uni_http_stream}). */
  LINES {
    @Override
    Buffer frame(Buffer frame) {
      return Buffer.buffer(frame.length() + 1).appendBuffer(frame).appendByte(NEWLINE);
    }
  },

  /** HTTP streaming with Protobuf: the frame is already a run of varint-length-delimited messages. */
  DELIMITED {
    @Override
    Buffer frame(Buffer frame) {
      return frame;
    }
  },

  /**
   * Server-sent events ({@code sse}, {@code uni_sse}): every message is an event of its own, {@code
   * data: <message>} and a blank line, so a plain EventSource hands the page one JSON value per event.
   */
  EVENTS {
    @Override
    Buffer frame(Buffer frame) {
      Buffer out = Buffer.buffer(frame.length() + 16);
      int start = 0;
      for (int i = 0; i <= frame.length(); i++) {
        if (i < frame.length() && frame.getByte(i) != NEWLINE) continue;
        if (i > start) out.appendBuffer(DATA).appendBuffer(frame, start, i - start).appendBuffer(EVENT_END);
        start = i + 1;
      }
      return out;
    }
  };

  private static final byte NEWLINE = '\n';
  private static final Buffer DATA = Buffer.buffer("data: ");
  private static final Buffer EVENT_END = Buffer.buffer("\n\n");

  /** The bytes that carry {@code frame} on the response. */
  abstract Buffer frame(Buffer frame);
}
