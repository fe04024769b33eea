package io.rebound.engine;

import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storage form of a publication, shared by the engines that keep bytes (Hazelcast, Redis) and
 * by the cross-node fan-out.
 *
 * <p>Binary and length-prefixed rather than JSON so that the payload comes back byte for byte (a
 * JSON round trip may rewrite numbers and escapes, and a binary payload has no JSON form at all) and
 * no parsing is needed on the recovery path. The offset is not part of the stored bytes: engines
 * assign it atomically and keep it next to them.
 *
 * <p>Version 2 stores the payload as bytes with a flag for payloads that are not JSON; version 1
 * (JSON text only) is still read, so streams written by an older node stay recoverable.
 */
public final class PublicationCodec {

  private static final byte VERSION = 2;
  private static final byte VERSION_JSON_TEXT = 1;
  private static final int HAS_INFO = 1, HAS_CONN_INFO = 2, HAS_CHAN_INFO = 4, HAS_TAGS = 8, NOT_JSON = 16;

  private PublicationCodec() {}

  public static byte[] encode(Publication pub) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(pub.data().length() + 32);
      DataOutputStream out = new DataOutputStream(bytes);
      ClientInfo info = pub.info();
      int flags = (info != null ? HAS_INFO : 0)
          | (info != null && info.connInfo() != null ? HAS_CONN_INFO : 0)
          | (info != null && info.chanInfo() != null ? HAS_CHAN_INFO : 0)
          | (pub.tags() != null ? HAS_TAGS : 0)
          | (pub.data().json() ? 0 : NOT_JSON);
      out.writeByte(VERSION);
      out.writeByte(flags);
      out.writeInt(pub.data().length());
      out.write(pub.data().bytes());
      if (info != null) {
        writeString(out, info.user());
        writeString(out, info.client());
        if (info.connInfo() != null) writeString(out, info.connInfo());
        if (info.chanInfo() != null) writeString(out, info.chanInfo());
      }
      if (pub.tags() != null) {
        out.writeInt(pub.tags().size());
        for (Map.Entry<String, String> tag : pub.tags().entrySet()) {
          writeString(out, tag.getKey());
          writeString(out, tag.getValue());
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Publication decode(byte[] stored, long offset) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(stored))) {
      byte version = in.readByte();
      if (version != VERSION && version != VERSION_JSON_TEXT) throw new IllegalArgumentException("unknown publication encoding version " + version);
      int flags = in.readByte();
      Payload data = Payload.of(readBytes(in), version == VERSION_JSON_TEXT || (flags & NOT_JSON) == 0);
      ClientInfo info = null;
      if ((flags & HAS_INFO) != 0) {
        String user = readString(in);
        String client = readString(in);
        String connInfo = (flags & HAS_CONN_INFO) != 0 ? readString(in) : null;
        String chanInfo = (flags & HAS_CHAN_INFO) != 0 ? readString(in) : null;
        info = new ClientInfo(user, client, connInfo, chanInfo);
      }
      Map<String, String> tags = null;
      if ((flags & HAS_TAGS) != 0) {
        int n = in.readInt();
        tags = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) tags.put(readString(in), readString(in));
      }
      return new Publication(offset, data, info, tags);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt stored publication", e);
    }
  }

  // writeUTF is limited to 64 KiB; payloads may be larger, so lengths are ints.
  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) throw new IOException("bad length " + len);
    return in.readNBytes(len);
  }
}
