package io.rebound.engine;

import io.rebound.codec.Pushes;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * What travels from a publisher to every edge: the channel, the stream position of the publication
 * (offset 0 when not stored in history) and the client-protocol frame, encoded once by the publisher
 * and written unchanged to every subscriber's socket.
 *
 * <p>Immutable, so the local event bus can hand the same instance to every edge (see {@link
 * FanoutMessageCodec}); {@link #encode()} / {@link #decode(Buffer)} give the compact form that
 * crosses nodes (clustered event bus, Redis pub/sub).
 */
public record FanoutMessage(Kind kind, String channel, long offset, String epoch, Buffer frame) {

  /** What the frame carries; edges order and deduplicate only publications. */
  public enum Kind { PUBLICATION, JOIN, LEAVE }

  public FanoutMessage {
    epoch = epoch == null ? "" : epoch;
  }

  /** The one way to fan out a publication: at {@code pub.offset()} of {@code epoch} (offset 0, epoch "": not stored). */
  public static FanoutMessage publication(String channel, Publication pub, String epoch) {
    return new FanoutMessage(Kind.PUBLICATION, channel, pub.offset(), epoch, Pushes.publication(channel, pub));
  }

  /** {@code info} subscribed to {@code channel} (presence join). */
  public static FanoutMessage join(String channel, ClientInfo info) {
    return new FanoutMessage(Kind.JOIN, channel, 0, "", Pushes.join(channel, info));
  }

  /** {@code info} left {@code channel}. */
  public static FanoutMessage leave(String channel, ClientInfo info) {
    return new FanoutMessage(Kind.LEAVE, channel, 0, "", Pushes.leave(channel, info));
  }

  public Buffer encode() {
    byte[] ch = channel.getBytes(StandardCharsets.UTF_8);
    byte[] ep = epoch.getBytes(StandardCharsets.UTF_8);
    Buffer out = Buffer.buffer(1 + 4 + ch.length + 8 + 4 + ep.length + 4 + frame.length());
    out.appendByte((byte) kind.ordinal());
    out.appendInt(ch.length).appendBytes(ch);
    out.appendLong(offset);
    out.appendInt(ep.length).appendBytes(ep);
    out.appendInt(frame.length()).appendBuffer(frame);
    return out;
  }

  public static FanoutMessage decode(Buffer in) {
    return decode(in, 0);
  }

  public static FanoutMessage decode(Buffer in, int pos) {
    Kind kind = Kind.values()[in.getByte(pos)];
    pos += 1;
    int chLen = in.getInt(pos);
    String channel = in.getString(pos + 4, pos + 4 + chLen, "UTF-8");
    pos += 4 + chLen;
    long offset = in.getLong(pos);
    pos += 8;
    int epLen = in.getInt(pos);
    String epoch = in.getString(pos + 4, pos + 4 + epLen, "UTF-8");
    pos += 4 + epLen;
    int frameLen = in.getInt(pos);
    Buffer frame = in.getBuffer(pos + 4, pos + 4 + frameLen);
    return new FanoutMessage(kind, channel, offset, epoch, frame);
  }

  /** Bytes {@link #encode()} produces, for codecs that need the length up front. */
  public int encodedLength() {
    return 1 + 4 + channel.getBytes(StandardCharsets.UTF_8).length + 8 + 4 + epoch.getBytes(StandardCharsets.UTF_8).length + 4 + frame.length();
  }
}
