package io.rebound.codec.protobuf;

import io.rebound.codec.BadFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf fields from a byte range of untrusted input. Every read is bounds-checked: a varint
 * over 10 bytes, a length past the end, a group or an unknown wire type fails with {@link
 * BadFrameException} (the connection is closed with 3501), never with an index error. A nested
 * message is read by a reader over its own range ({@link #message}), so a length can never reach
 * outside its parent. Not thread-safe: one reader per decode.
 */
final class ProtoReader {

  private final byte[] bytes;
  private int pos;
  private final int end;
  private int wireType;

  ProtoReader(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.pos = from;
    this.end = to;
  }

  boolean hasMore() {
    return pos < end;
  }

  /** The next field's number (its wire type is kept for the value read that follows). */
  int nextField() {
    long tag = varint();
    wireType = (int) (tag & 7);
    long field = tag >>> 3;
    if (field == 0 || field > 0x1FFFFFFFL) throw new BadFrameException("malformed protobuf: bad field number " + field);
    return (int) field;
  }

  long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) throw new BadFrameException("malformed protobuf: truncated varint");
      byte b = bytes[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) return value;
    }
    throw new BadFrameException("malformed protobuf: varint over 10 bytes");
  }

  /** A varint field's value (uint64, uint32, int64, int32, bool, enum). */
  long uint64() {
    expect(ProtoSink.VARINT);
    return varint();
  }

  boolean bool() {
    return uint64() != 0;
  }

  /** A length-delimited field as UTF-8 text (malformed sequences replaced). */
  String string() {
    int length = length();
    String s = new String(bytes, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  /** A length-delimited field's bytes, copied. */
  byte[] bytes() {
    int length = length();
    byte[] out = new byte[length];
    System.arraycopy(bytes, pos, out, 0, length);
    pos += length;
    return out;
  }

  /** A nested message field: a reader over exactly its bytes; this reader moves past them. */
  ProtoReader message() {
    int length = length();
    ProtoReader nested = new ProtoReader(bytes, pos, pos + length);
    pos += length;
    return nested;
  }

  /** Passes over the current field's value, whatever it is (unknown fields are ignored, as protobuf does). */
  void skip() {
    switch (wireType) {
      case ProtoSink.VARINT -> varint();
      case ProtoSink.FIXED64 -> advance(8);
      case ProtoSink.LEN -> advance(length());
      case ProtoSink.FIXED32 -> advance(4);
      default -> throw new BadFrameException("malformed protobuf: unsupported wire type " + wireType);
    }
  }

  /** The length prefix of a length-delimited value, checked against what is left. */
  int length() {
    expect(ProtoSink.LEN);
    return checkedLength(varint());
  }

  /** A length read as a bare varint (the frame's message delimiters), checked against what is left. */
  int delimiter() {
    return checkedLength(varint());
  }

  int position() {
    return pos;
  }

  void advance(int n) {
    if (n > end - pos) throw new BadFrameException("malformed protobuf: field runs past the end");
    pos += n;
  }

  private int checkedLength(long length) {
    if (length < 0 || length > end - pos) throw new BadFrameException("malformed protobuf: length " + length + " runs past the end");
    return (int) length;
  }

  private void expect(int type) {
    if (wireType != type) throw new BadFrameException("malformed protobuf: wire type " + wireType + " where " + type + " was expected");
  }
}
