package io.rebound.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who belongs to the cluster plane (README, "Trust model"): the cluster's name, the secret only its
 * nodes know, and the interface its members listen on. Used by {@code engine: hazelcast}; the other
 * engines have no cluster plane of their own.
 *
 * @param name {@code cluster_name}: the cluster's base name, or null for the {@code <cluster-name>} of
 *     the Hazelcast config ({@code cluster.xml}). Members join under this name suffixed with a tag
 *     derived from the secret ({@link #memberName}), so a process without the secret cannot join.
 * @param secret {@code cluster_secret}: the key of the cluster's messages (control and fan-out are
 *     signed with it) and of the member name; at least {@link #MIN_SECRET_LENGTH} characters. Null:
 *     derived from {@code token_hmac_secret_key} and {@code api_key}, which every node of a cluster
 *     shares anyway ({@link #withDerivedSecret}).
 * @param address {@code cluster_address}: the IP address of the interface Hazelcast and the event bus
 *     bind to, or null: loopback when the Hazelcast join lists only loopback members (several nodes on
 *     one machine), else the node refuses to start and asks for it, so that members never listen on
 *     every interface by default
 * @param busPort {@code cluster_bus_port}: the TCP port of the clustered event bus on that interface;
 *     0 (the default) picks a free one, a fixed one lets a firewall or NetworkPolicy name it
 */
public record ClusterOptions(String name, String secret, String address, int busPort) {

  /** A shorter cluster secret could be guessed offline from one signed message. */
  public static final int MIN_SECRET_LENGTH = 16;
  /** No name, no secret, no address: every value from its default. */
  public static final ClusterOptions DEFAULTS = new ClusterOptions(null, null, null, 0);

  /** The JSON keys of these options (all at top level). */
  static final Set<String> KEYS = Set.of("cluster_name", "cluster_secret", "cluster_address", "cluster_bus_port");

  private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
  private static final Pattern NAME = Pattern.compile("^[-a-zA-Z0-9_.]{1,64}$");

  /** Validates, naming the JSON key at fault. */
  public ClusterOptions {
    if (name != null && !NAME.matcher(name).matches()) {
      throw ConfigException.at("cluster_name", "must be 1 to 64 letters, digits, '-', '_' or '.'");
    }
    if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
      throw ConfigException.at("cluster_secret", "must be at least " + MIN_SECRET_LENGTH + " characters");
    }
    if (address != null && !IPV4.matcher(address).matches()) {
      throw ConfigException.at("cluster_address", "\"" + address + "\" is not an IPv4 address (the interface to bind, e.g. the pod IP)");
    }
    if (busPort < 0 || busPort > 65535) throw ConfigException.at("cluster_bus_port", busPort + " is not in 0..65535 (0 = any free port)");
  }

  /**
   * These options with the secret filled in: the configured one, else one derived from the token
   * secret and the API key (HMAC-SHA256, so neither can be recovered from it). Empty when there is
   * nothing to derive from (a development node without either): such a node cannot form a cluster.
   */
  ClusterOptions withDerivedSecret(String tokenSecret, String apiKey) {
    if (secret != null) return this;
    if (tokenSecret.isEmpty() && apiKey.isEmpty()) return new ClusterOptions(name, "", address, busPort);
    String derived = HexFormat.of().formatHex(hmac(tokenSecret + "\u0000" + apiKey, "rebound cluster secret v1"));
    return new ClusterOptions(name, derived, address, busPort);
  }

  /**
   * The name members actually join under: {@code base} and a tag only holders of the secret can
   * compute. Hazelcast (open source) admits any member that presents the cluster's name, so the name
   * itself has to be the credential.
   */
  public String memberName(String base) {
    if (secret == null || secret.isEmpty()) throw new IllegalStateException("no cluster secret");
    String b = name != null ? name : base;
    return b + "." + HexFormat.of().formatHex(hmac(secret, "rebound member name v1:" + b), 0, 12);
  }

  /** HMAC-SHA256 of {@code message} under {@code key} (both UTF-8). */
  public static byte[] hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Reads these options from {@code f}, whose allowed keys must include {@link #KEYS}. */
  static ClusterOptions read(JsonFields f) {
    return f.build(() -> new ClusterOptions(f.string("cluster_name", null), f.string("cluster_secret", null), f.string("cluster_address", null),
        f.integer("cluster_bus_port", 0)));
  }
}
