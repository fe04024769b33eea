package io.rebound.core;

import java.security.SecureRandom;

/** Random stream epochs: short, URL-safe, unpredictable enough that a reborn stream never reuses one. */
public final class Epochs {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Epochs() {}

  public static String next() {
    char[] out = new char[8];
    for (int i = 0; i < out.length; i++) out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    return new String(out);
  }
}
