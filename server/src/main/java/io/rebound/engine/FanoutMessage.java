package io.rebound.engine;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * What travels from a publisher to every edge: a publication of a channel at its stream position
 * (offset 0 when not stored in history), or a join or leave. It carries the values, not a client
 * frame: each node encodes it for the wire formats its clients use, once per format, and the frame
 * is cached here ({@link #frame}) so every subscriber using that format gets the very same bytes.
 *
 * <p>Immutable apart from that cache, so a node hands the same instance to every edge ({@code
 * LocalReceivers}); edges on several event loops may ask for a frame at once,
 * and each format is still encoded once. {@link #encode()} / {@link #decode(Buffer)} give the
 * compact form that crosses nodes (clustered event bus, Redis pub/sub): the fields, never a frame.
 */
public final class FanoutMessage {

  /** What the message carries; edges order and deduplicate only publications. */
  public enum Kind { PUBLICATION, JOIN, LEAVE }

  /** Wire formats a frame may be cached for (a codec's format index is below this). */
  public static final int MAX_FORMATS = 4;

  // First byte of the cross-node form; distinct from the kind ordinals the first form began with, so
  // a node of another version fails to decode it instead of misreading it.
  private static final byte ENCODING = (byte) 0xF2;

  private final Kind kind;
  private final String channel;
  private final long offset;
  private final String epoch;
  private final Publication publication; // PUBLICATION
  private final ClientInfo info; // JOIN, LEAVE
  private final AtomicReferenceArray<Buffer> frames = new AtomicReferenceArray<>(MAX_FORMATS);

  private FanoutMessage(Kind kind, String channel, long offset, String epoch, Publication publication, ClientInfo info) {
    this.kind = kind;
    this.channel = Objects.requireNonNull(channel, "channel");
    this.offset = offset;
    this.epoch = epoch == null ? "" : epoch;
    this.publication = publication;
    this.info = info;
  }

  /** The one way to fan out a publication: at {@code pub.offset()} of {@code epoch} (offset 0 and no epoch: not stored). */
  public static FanoutMessage publication(String channel, Publication pub, String epoch) {
    return new FanoutMessage(Kind.PUBLICATION, channel, pub.offset(), epoch, pub, null);
  }

  /** {@code info} subscribed to {@code channel} (presence join). */
  public static FanoutMessage join(String channel, ClientInfo info) {
    return new FanoutMessage(Kind.JOIN, channel, 0, "", null, Objects.requireNonNull(info));
  }

  /** {@code info} left {@code channel}. */
  public static FanoutMessage leave(String channel, ClientInfo info) {
    return new FanoutMessage(Kind.LEAVE, channel, 0, "", null, Objects.requireNonNull(info));
  }

  public Kind kind() {
    return kind;
  }

  public String channel() {
    return channel;
  }

  public long offset() {
    return offset;
  }

  public String epoch() {
    return epoch;
  }

  /** The publication (kind PUBLICATION), else null. */
  public Publication publication() {
    return publication;
  }

  /** Who joined or left (kinds JOIN and LEAVE), else null. */
  public ClientInfo info() {
    return info;
  }

  /**
   * This message's frame in wire format {@code format}, encoded by {@code encoder} the first time it
   * is asked for and the same instance after that, from any thread.
   */
  public Buffer frame(int format, Function<FanoutMessage, Buffer> encoder) {
    Buffer frame = frames.get(format);
    if (frame != null) return frame;
    synchronized (this) { // the first subscribers of two event loops may arrive together; encode once
      frame = frames.get(format);
      if (frame == null) {
        frame = encoder.apply(this);
        frames.set(format, frame);
      }
      return frame;
    }
  }

  public Buffer encode() {
    byte[] ch = channel.getBytes(StandardCharsets.UTF_8);
    byte[] ep = epoch.getBytes(StandardCharsets.UTF_8);
    byte[] body = kind == Kind.PUBLICATION ? PublicationCodec.encode(publication) : null;
    Buffer out = Buffer.buffer(2 + 4 + ch.length + 8 + 4 + ep.length + (body != null ? 4 + body.length : 64));
    out.appendByte(ENCODING).appendByte((byte) kind.ordinal());
    out.appendInt(ch.length).appendBytes(ch);
    out.appendLong(offset);
    out.appendInt(ep.length).appendBytes(ep);
    if (body != null) {
      out.appendInt(body.length).appendBytes(body);
    } else {
      string(out, info.user());
      string(out, info.client());
      string(out, info.connInfo());
      string(out, info.chanInfo());
    }
    return out;
  }

  public static FanoutMessage decode(Buffer in) {
    return decode(in, 0);
  }

  public static FanoutMessage decode(Buffer in, int pos) {
    if (in.getByte(pos) != ENCODING) {
      throw new IllegalArgumentException("unknown fan-out message encoding " + in.getByte(pos) + " (a node of another Rebound version?)");
    }
    Kind kind = Kind.values()[in.getByte(pos + 1)];
    Reader r = new Reader(in, pos + 2);
    String channel = r.string();
    long offset = r.in.getLong(r.pos);
    r.pos += 8;
    String epoch = r.string();
    if (kind == Kind.PUBLICATION) {
      int len = r.in.getInt(r.pos);
      byte[] body = r.in.getBytes(r.pos + 4, r.pos + 4 + len);
      return new FanoutMessage(kind, channel, offset, epoch, PublicationCodec.decode(body, offset), null);
    }
    ClientInfo info = new ClientInfo(r.string(), r.string(), r.string(), r.string());
    return new FanoutMessage(kind, channel, offset, epoch, null, info);
  }

  /** A nullable string: its UTF-8 length (-1 for null) and bytes. */
  private static void string(Buffer out, String s) {
    if (s == null) {
      out.appendInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.appendInt(utf8.length).appendBytes(utf8);
  }

  private static final class Reader {
    final Buffer in;
    int pos;

    Reader(Buffer in, int pos) {
      this.in = in;
      this.pos = pos;
    }

    String string() {
      int len = in.getInt(pos);
      pos += 4;
      if (len < 0) return null;
      String s = in.getString(pos, pos + len, "UTF-8");
      pos += len;
      return s;
    }
  }

  /** Equal values (kind, channel, position, publication or info); cached frames do not count. */
  @Override
  public boolean equals(Object o) {
    return o instanceof FanoutMessage m && kind == m.kind && offset == m.offset && channel.equals(m.channel) && epoch.equals(m.epoch)
        && Objects.equals(publication, m.publication) && Objects.equals(info, m.info);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, channel, offset, epoch, publication, info);
  }

  @Override
  public String toString() {
    return kind + " " + channel + " " + offset + "@" + epoch;
  }
}
