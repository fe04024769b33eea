package io.rebound.codec.protobuf;

import io.rebound.core.Utf8;
import io.vertx.core.buffer.Buffer;

/**
 * Where protobuf fields go: counted ({@link Size}) or written ({@link Out}). A message is encoded
 * by one method that states its fields against a sink ({@link Body}); run against a {@link Size}
 * it yields the length a nested message needs in front of it, run against an {@link Out} it writes
 * the bytes into a buffer allocated to the exact size, so a payload is copied once, straight into
 * the frame.
 *
 * <p>Scalar helpers leave out default values (0, false, empty), as proto3 encoders do; {@link
 * #message} always writes the field, even for an empty message, because a client tells which
 * result a reply carries by the field's presence. Strings are UTF-8 with an unpaired surrogate as
 * U+FFFD, so the counted and the written lengths always agree ({@link Utf8#length}).
 */
abstract class ProtoSink {

  static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

  /** A message's fields, stated against a sink. */
  interface Body {
    void write(ProtoSink out);
  }

  abstract void varint(long value);

  abstract void raw(byte[] bytes, int offset, int length);

  /** {@code s} in UTF-8; {@code utf8Length} is {@link Utf8#length(String) its length}. */
  abstract void utf8(String s, int utf8Length);

  final void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  /** A varint field (uint32, uint64, int64, or int32 ≥ 0); left out when 0. */
  final void uint64(int field, long value) {
    if (value == 0) return;
    tag(field, VARINT);
    varint(value);
  }

  /** A varint field written even when 0: a field whose presence means something (an extension's {@code optional uint64}). */
  final void explicitUint64(int field, long value) {
    tag(field, VARINT);
    varint(value);
  }

  /** A bool field; left out when false. */
  final void bool(int field, boolean value) {
    if (value) explicitBool(field, true);
  }

  /** A bool field with presence ({@code optional bool}): written whenever not null, false included. */
  final void optionalBool(int field, Boolean value) {
    if (value != null) explicitBool(field, value);
  }

  private void explicitBool(int field, boolean value) {
    tag(field, VARINT);
    varint(value ? 1 : 0);
  }

  /** A string field; left out when null or empty. */
  final void string(int field, String s) {
    if (s == null || s.isEmpty()) return;
    int length = Utf8.length(s);
    tag(field, LEN);
    varint(length);
    utf8(s, length);
  }

  /** A bytes field; left out when null or empty. */
  final void bytes(int field, byte[] b) {
    if (b == null || b.length == 0) return;
    tag(field, LEN);
    varint(b.length);
    raw(b, 0, b.length);
  }

  /** A bytes field holding text (raw JSON) as its UTF-8 bytes; left out when null or empty. */
  final void textBytes(int field, String s) {
    string(field, s); // same wire form: a length-delimited UTF-8 run
  }

  /** A nested message field, always written (an empty message is a present, empty field). */
  final void message(int field, Body body) {
    tag(field, LEN);
    varint(sizeOf(body));
    body.write(this);
  }

  /** A map entry ({@code map<string, V>}): a nested message with the key as field 1 and the value as field 2. */
  final void mapEntry(int field, String key, Body value) {
    message(field, e -> {
      e.string(1, key);
      e.message(2, value);
    });
  }

  /** A {@code map<string, string>} entry. */
  final void stringMapEntry(int field, String key, String value) {
    message(field, e -> {
      e.string(1, key);
      e.string(2, value);
    });
  }

  static int sizeOf(Body body) {
    Size size = new Size();
    body.write(size);
    return size.bytes;
  }

  static int varintSize(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  /** Counts the bytes a message takes. */
  static final class Size extends ProtoSink {
    int bytes;

    @Override
    void varint(long value) {
      bytes += varintSize(value);
    }

    @Override
    void raw(byte[] b, int offset, int length) {
      bytes += length;
    }

    @Override
    void utf8(String s, int utf8Length) {
      bytes += utf8Length;
    }
  }

  /** Writes into a buffer allocated to the exact size beforehand. */
  static final class Out extends ProtoSink {
    final Buffer buffer;
    private final byte[] scratch = new byte[10];

    Out(int size) {
      buffer = Buffer.buffer(size);
    }

    @Override
    void varint(long value) {
      if ((value & ~0x7FL) == 0) {
        buffer.appendByte((byte) value);
        return;
      }
      int n = 0;
      while ((value & ~0x7FL) != 0) {
        scratch[n++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      scratch[n++] = (byte) value;
      buffer.appendBytes(scratch, 0, n);
    }

    @Override
    void raw(byte[] b, int offset, int length) {
      buffer.appendBytes(b, offset, length);
    }

    @Override
    void utf8(String s, int utf8Length) {
      if (utf8Length == s.length()) { // ASCII only: one byte per char
        buffer.appendString(s, "ISO-8859-1");
        return;
      }
      byte[] out = new byte[utf8Length];
      int pos = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          out[pos++] = (byte) c;
        } else if (c < 0x800) {
          out[pos++] = (byte) (0xC0 | (c >> 6));
          out[pos++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out[pos++] = (byte) (0xF0 | (cp >> 18));
          out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          out[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          if (Character.isSurrogate(c)) c = '\uFFFD'; // unpaired: its replacement, 3 bytes as counted
          out[pos++] = (byte) (0xE0 | (c >> 12));
          out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          out[pos++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      buffer.appendBytes(out);
    }
  }
}
