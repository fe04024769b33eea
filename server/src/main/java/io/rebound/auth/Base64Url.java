package io.rebound.auth;

import java.util.Base64;

/**
 * Strict base64url as JWS requires it (RFC 7515 §2 and appendix C): the URL-safe alphabet, no
 * padding, and only the canonical encoding of a byte string. The JDK's URL decoder accepts
 * {@code =} padding and ignores the unused low bits of the last character, so one signature has
 * many spellings; a token must have exactly one.
 */
final class Base64Url {

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {}

  /** The bytes {@code text} encodes; IllegalArgumentException when it is not canonical unpadded base64url. */
  static byte[] decode(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      if (value(text.charAt(i)) < 0) throw new IllegalArgumentException("character " + i + " is outside the base64url alphabet");
    }
    int tail = length % 4;
    if (tail == 1) throw new IllegalArgumentException("length " + length + " is no base64 encoding");
    if (tail != 0) {
      // The last character carries 2 (tail 3) or 4 (tail 2) bits that encode nothing; they must be zero.
      int unusedBits = tail == 2 ? 4 : 2;
      if ((value(text.charAt(length - 1)) & ((1 << unusedBits) - 1)) != 0) {
        throw new IllegalArgumentException("non-canonical trailing bits");
      }
    }
    return DECODER.decode(text);
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  }
}
