package io.rebound.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frames encoded once for many sockets are exactly what Netty's own server-side encoder writes, at
 * every length encoding (7-bit, 16-bit, 64-bit), text and binary; and one message is encoded once per
 * thread, each socket getting its own view of the same bytes.
 */
class EncodedFramesTest {

  @Test
  void framesAreByteForByteWhatNettysServerEncoderWrites() {
    for (int length : new int[] {0, 1, 125, 126, 127, 1000, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[length];
      Arrays.fill(payload, (byte) 'x');
      if (length > 0) payload[length - 1] = 'y';
      for (boolean binary : new boolean[] {false, true}) {
        ByteBuf ours = EncodedFrames.encode(Buffer.buffer(payload), binary, ByteBufAllocator.DEFAULT);
        try {
          assertThat(ByteBufUtil.getBytes(ours)).as("length %d binary %s", length, binary).isEqualTo(netty(payload, binary));
          assertThat(ours.isDirect()).as("direct: the native transport writes it without a copy").isTrue();
        } finally {
          ours.release();
        }
      }
    }
  }

  @Test
  void oneMessageIsEncodedOnceAndEverySocketGetsItsOwnViewOfTheSameBytes() {
    Buffer message = Buffer.buffer("{\"push\":{\"channel\":\"c\",\"pub\":{\"data\":\"żółw\"}}}");
    ByteBuf first = EncodedFrames.frame(message, false, ByteBufAllocator.DEFAULT);
    ByteBuf second = EncodedFrames.frame(message, false, ByteBufAllocator.DEFAULT);
    try {
      assertThat(second.unwrap()).isSameAs(first.unwrap());
      first.skipBytes(first.readableBytes()); // one socket's write consumes its view only
      assertThat(ByteBufUtil.getBytes(second)).isEqualTo(netty(message.getBytes(), false));
      ByteBuf binary = EncodedFrames.frame(message, true, ByteBufAllocator.DEFAULT);
      assertThat(binary.getByte(0) & 0x0F).as("another frame type is another frame").isEqualTo(0x2);
      binary.release();
    } finally {
      first.release();
      second.release();
    }
  }

  private static byte[] netty(byte[] payload, boolean binary) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    ByteBuf data = Unpooled.wrappedBuffer(payload);
    channel.writeOutbound(binary ? new BinaryWebSocketFrame(data) : new TextWebSocketFrame(data));
    ByteBuf all = Unpooled.buffer();
    for (Object part; (part = channel.readOutbound()) != null; ) {
      all.writeBytes((ByteBuf) part);
      ((ByteBuf) part).release();
    }
    channel.finish();
    return ByteBufUtil.getBytes(all);
  }
}
