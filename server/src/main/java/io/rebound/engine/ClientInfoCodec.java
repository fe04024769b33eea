package io.rebound.engine;

import io.rebound.core.ClientInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The storage form of a {@link ClientInfo}, shared by the presence stores that keep bytes (Hazelcast,
 * Redis): a version byte, a flags byte (which of the optional fields follow), then user, client and
 * the optional connection and channel info, each as a 4-byte length and UTF-8 bytes.
 *
 * <p>Length-prefixed rather than joined with a separator, so any character (a NUL in a user id
 * included) comes back unchanged, and a null info stays null rather than becoming "".
 */
public final class ClientInfoCodec {

  private static final byte VERSION = 1;
  private static final int HAS_CONN_INFO = 1, HAS_CHAN_INFO = 2;

  private ClientInfoCodec() {}

  public static byte[] encode(ClientInfo info) {
    byte[] user = utf8(info.user()), client = utf8(info.client());
    byte[] conn = info.connInfo() == null ? null : utf8(info.connInfo());
    byte[] chan = info.chanInfo() == null ? null : utf8(info.chanInfo());
    int size = 2 + 4 + user.length + 4 + client.length + (conn == null ? 0 : 4 + conn.length) + (chan == null ? 0 : 4 + chan.length);
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).put((byte) ((conn != null ? HAS_CONN_INFO : 0) | (chan != null ? HAS_CHAN_INFO : 0)));
    put(out, user);
    put(out, client);
    if (conn != null) put(out, conn);
    if (chan != null) put(out, chan);
    return out.array();
  }

  /** @throws IllegalArgumentException when {@code stored} is not something {@link #encode} wrote */
  public static ClientInfo decode(byte[] stored) {
    try {
      ByteBuffer in = ByteBuffer.wrap(stored);
      byte version = in.get();
      if (version != VERSION) throw new IllegalArgumentException("unknown client info encoding version " + version);
      int flags = in.get();
      String user = string(in), client = string(in);
      String conn = (flags & HAS_CONN_INFO) != 0 ? string(in) : null;
      String chan = (flags & HAS_CHAN_INFO) != 0 ? string(in) : null;
      if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " stray bytes after a client info");
      return new ClientInfo(user, client, conn, chan);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated client info", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void put(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length).put(bytes);
  }

  private static String string(ByteBuffer in) {
    int len = in.getInt();
    if (len < 0 || len > in.remaining()) throw new IllegalArgumentException("bad string length " + len);
    byte[] bytes = new byte[len];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
