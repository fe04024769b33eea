package io.rebound.edge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Server-to-client WebSocket frames (RFC 6455 §5.2: FIN, one text or binary frame, unmasked, no
 * extension bits) encoded once and written to many sockets.
 *
 * <p>Why: a fan-out writes the very same message bytes to every subscriber, and those frames are
 * byte for byte identical (a server never masks). Encoding one per subscriber, as Vert.x and
 * Netty's frame encoder do, cost a frame object, a future, a promise combiner, a header buffer and,
 * on the native transport, a heap-to-direct copy of the payload per write: about two thirds of an
 * edge's CPU per delivery in a JFR profile of a 1000-subscriber fan-out. Here the frame is built once
 * into one direct buffer, and each socket gets a {@linkplain ByteBuf#retainedDuplicate duplicate} of
 * it (its own indices, the same memory).
 *
 * <p>Each thread keeps the last frame it encoded and the message it encoded it from: the flush of an
 * edge writes one shared message to its connections in a row ({@link FlushScheduler}), so only the
 * first of them encodes. The cache holds one frame per event loop, released when the next message
 * replaces it; the sockets' duplicates keep the memory until their writes complete. The message is
 * compared by identity: buffers handed to a transport are never modified afterwards.
 */
final class EncodedFrames {

  private static final FastThreadLocal<EncodedFrames> LAST = new FastThreadLocal<>() {
    @Override
    protected EncodedFrames initialValue() {
      return new EncodedFrames();
    }
  };

  private static final int FIN = 0x80;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;

  private Buffer message;
  private boolean binary;
  private ByteBuf frame;

  private EncodedFrames() {}

  /**
   * A frame carrying {@code message} for one socket: a retained duplicate the write releases. Call on
   * the thread that writes it (a socket's event loop).
   */
  static ByteBuf frame(Buffer message, boolean binary, ByteBufAllocator alloc) {
    EncodedFrames last = LAST.get();
    if (last.message != message || last.binary != binary || last.frame == null) {
      ByteBuf encoded = encode(message, binary, alloc);
      if (last.frame != null) last.frame.release();
      last.frame = encoded;
      last.message = message;
      last.binary = binary;
    }
    return last.frame.retainedDuplicate();
  }

  /** The whole frame, header and payload, in one direct buffer (written without a copy by the native transport). */
  static ByteBuf encode(Buffer message, boolean binary, ByteBufAllocator alloc) {
    ByteBuf payload = ((BufferInternal) message).getByteBuf();
    int length = payload.readableBytes();
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf out = alloc.directBuffer(header + length);
    out.writeByte(FIN | (binary ? BINARY : TEXT));
    if (length < 126) {
      out.writeByte(length);
    } else if (length <= 0xFFFF) {
      out.writeByte(126);
      out.writeShort(length);
    } else {
      out.writeByte(127);
      out.writeLong(length);
    }
    out.writeBytes(payload, payload.readerIndex(), length);
    return out;
  }
}
