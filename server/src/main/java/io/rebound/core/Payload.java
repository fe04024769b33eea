package io.rebound.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A publication's payload: the bytes every subscriber gets, and whether they are one JSON value a
 * JSON frame can carry as is. Protobuf connections get the bytes whatever they are; JSON connections
 * only a JSON payload (Centrifugo disconnects a JSON client that would receive anything else with
 * 3506, "inappropriate protocol", and so does Rebound).
 *
 * <p>Immutable. The bytes are never copied once wrapped: {@link #bytes()} hands out the array itself,
 * which nobody may modify (a payload is shared by every subscriber, every engine and the fan-out).
 */
public final class Payload {

  private final byte[] bytes;
  private final boolean json;
  private final boolean lineBreaks;

  private Payload(byte[] bytes, boolean json) {
    if (bytes == null || bytes.length == 0) throw new IllegalArgumentException("a payload has at least one byte");
    this.bytes = bytes;
    this.json = json;
    this.lineBreaks = json && hasLineBreak(bytes);
  }

  /** The UTF-8 bytes of {@code text}, which the caller vouches is one JSON value (it parsed it). */
  public static Payload json(String text) {
    return new Payload(text.getBytes(StandardCharsets.UTF_8), true);
  }

  /**
   * {@code bytes} as they are (taken over, not copied); {@code json} says whether they are one JSON
   * value in UTF-8 (checked by the caller, or known from where they were stored).
   */
  public static Payload of(byte[] bytes, boolean json) {
    return new Payload(bytes, json);
  }

  /** The bytes themselves, not a copy: never modify them. */
  public byte[] bytes() {
    return bytes;
  }

  public int length() {
    return bytes.length;
  }

  /** Whether the bytes are one JSON value, so a JSON frame can carry them raw. */
  public boolean json() {
    return json;
  }

  /**
   * A JSON payload with raw CR or LF bytes between its tokens (allowed there as whitespace): a JSON
   * frame, which is newline-delimited, must leave them out. False for payloads that are not JSON.
   */
  public boolean lineBreaks() {
    return lineBreaks;
  }

  /** The bytes decoded as UTF-8 (malformed sequences replaced), for JSON payloads and logs. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static boolean hasLineBreak(byte[] b) {
    for (byte x : b) if (x == '\n' || x == '\r') return true;
    return false;
  }

  /** Equal bytes and the same JSON flag. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && json == p.json && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes) * 31 + (json ? 1 : 0);
  }

  /** The text of a JSON payload; the length of a binary one (binary bytes do not belong in logs). */
  @Override
  public String toString() {
    return json ? text() : "<" + bytes.length + " bytes>";
  }
}
