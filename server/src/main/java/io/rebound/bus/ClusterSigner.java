package io.rebound.bus;

import io.rebound.config.ClusterOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the messages that only the cluster's own nodes may send (README, "Trust model"):
 * fan-out between nodes ({@link SignedFanout}) and edge control ({@link #seal} / {@link #open}).
 * HMAC-SHA256 under a key derived from {@code cluster_secret}, so anything that can reach the event
 * bus port but does not hold the secret can neither forge nor alter such a message.
 *
 * <p>A node without a cluster secret (a development node with neither token secret nor API key) gets
 * a random key for this JVM: its messages never leave it anyway. Thread-safe; one {@link Mac} per
 * thread, since a Mac is not.
 */
public final class ClusterSigner {

  /** Bytes of one signature (HMAC-SHA256). */
  public static final int SIGNATURE_BYTES = 32;
  /**
   * A control message older (or further in the future) than this is refused: it limits the replay of
   * a message captured on the wire to this window. Nodes' clocks must agree within it (NTP).
   */
  public static final long CONTROL_MAX_AGE_MS = 60_000;

  private static final String JVM_SECRET = randomSecret();

  private final ThreadLocal<Mac> macs;

  private ClusterSigner(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(spec);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
      }
    });
  }

  /**
   * The signer of the cluster whose secret is {@code clusterSecret} (empty: this JVM's random one).
   * The signing key is derived from the secret, so it differs from the key of the member name.
   */
  public static ClusterSigner of(String clusterSecret) {
    String secret = clusterSecret == null || clusterSecret.isEmpty() ? JVM_SECRET : clusterSecret;
    return new ClusterSigner(ClusterOptions.hmac(secret, "rebound event bus signing v1"));
  }

  /** The signature of {@code bytes[from, to)}. */
  public byte[] sign(byte[] bytes, int from, int to) {
    Mac mac = macs.get();
    mac.update(bytes, from, to - from);
    return mac.doFinal();
  }

  /** Whether {@code signature} is the signature of {@code bytes[from, to)} (constant time). */
  public boolean verify(byte[] bytes, int from, int to, byte[] signature) {
    return MessageDigest.isEqual(sign(bytes, from, to), signature);
  }

  /**
   * {@code cmd} stamped with the time {@code nowMs} and signed: {@code {"cmd": "<json text>", "sig":
   * "<base64>"}}. The text is signed as sent, so no JSON re-encoding can break the signature.
   */
  public JsonObject seal(JsonObject cmd, long nowMs) {
    String text = cmd.copy().put("ts", nowMs).encode();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new JsonObject().put("cmd", text).put("sig", Base64.getEncoder().encodeToString(sign(bytes, 0, bytes.length)));
  }

  /**
   * The command inside {@code sealed}, or null when it is not one this cluster signed, or was signed
   * more than {@link #CONTROL_MAX_AGE_MS} away from {@code nowMs}. Parses nothing it has not verified.
   */
  public JsonObject open(Object sealed, long nowMs) {
    if (!(sealed instanceof JsonObject envelope)) return null;
    Object text = envelope.getValue("cmd");
    Object sig = envelope.getValue("sig");
    if (!(text instanceof String t) || !(sig instanceof String s)) return null;
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
    if (!verify(bytes, 0, bytes.length, signature)) return null;
    JsonObject cmd = new JsonObject(t);
    Long ts = cmd.getLong("ts");
    if (ts == null || Math.abs(nowMs - ts) > CONTROL_MAX_AGE_MS) return null;
    return cmd;
  }

  private static String randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
