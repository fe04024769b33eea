package io.rebound.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Whether a presented API key opens the server API: equal to {@code api_key} (compared in constant
 * time), or anything at all with {@code api_insecure}. An empty configured key opens nothing.
 */
final class ApiKeyCheck {

  private final byte[] key;
  private final boolean insecure;

  ApiKeyCheck(String apiKey, boolean insecure) {
    this.key = apiKey.getBytes(StandardCharsets.UTF_8);
    this.insecure = insecure;
  }

  boolean accepts(String presented) {
    if (insecure) return true;
    return presented != null && key.length > 0 && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), key);
  }
}
