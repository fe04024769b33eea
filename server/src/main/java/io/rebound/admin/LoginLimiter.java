package io.rebound.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Login attempts per remote address (per /64 network for IPv6) as a token bucket: an address may try {@code burst} times in a
 * row, then once per {@code refill}; a successful login gives its address a full bucket again. So a
 * mistyped password costs nothing, and guessing is held to a few attempts a minute per address.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} are remembered, the least recently seen forgotten
 * first (an address forgotten that way starts again with a full bucket, which only an attacker with
 * that many addresses can arrange, and they could use those addresses anyway). Thread-safe: edges on
 * several event loops share one instance; a login is rare, so one lock costs nothing.
 */
final class LoginLimiter {

  static final int DEFAULT_BURST = 5;
  static final Duration DEFAULT_REFILL = Duration.ofSeconds(12);
  static final int DEFAULT_MAX_ADDRESSES = 10_000;

  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long updatedAt;

    Bucket(double tokens, long updatedAt) {
      this.tokens = tokens;
      this.updatedAt = updatedAt;
    }
  }

  LoginLimiter(int burst, Duration refill, int maxAddresses, LongSupplier nanoTime) {
    if (burst < 1 || refill.isNegative() || refill.isZero() || maxAddresses < 1) throw new IllegalArgumentException("bad limits");
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.nanoTime = nanoTime;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** The defaults: 5 attempts in a row, then one every 12 s, 10,000 addresses remembered. */
  static LoginLimiter withDefaults() {
    return new LoginLimiter(DEFAULT_BURST, DEFAULT_REFILL, DEFAULT_MAX_ADDRESSES, System::nanoTime);
  }

  /**
   * The bucket of a remote address: the address itself for IPv4, its /64 network for IPv6 (one host
   * commonly holds a whole /64, so per-address buckets would give a guesser 2^64 of them).
   */
  static String bucketOf(String address) {
    if (address == null || address.indexOf(':') < 0) return address;
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress(); // an IP literal: no name lookup
      if (bytes.length != 16) return address;
      return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /**
   * Takes one attempt for {@code address}: 0 when it may go ahead, else how many whole seconds (at
   * least 1) until it may try again.
   */
  synchronized long tryAcquire(String address) {
    long now = nanoTime.getAsLong();
    Bucket b = buckets.computeIfAbsent(bucketOf(address), a -> new Bucket(burst, now));
    b.tokens = Math.min(burst, b.tokens + (double) (now - b.updatedAt) / refillNanos);
    b.updatedAt = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    long waitNanos = (long) Math.ceil((1 - b.tokens) * refillNanos);
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** {@code address} logged in: it starts again with a full bucket. */
  synchronized void succeeded(String address) {
    buckets.remove(bucketOf(address));
  }

  /** Addresses remembered now (for tests of the bound). */
  synchronized int size() {
    return buckets.size();
  }
}
