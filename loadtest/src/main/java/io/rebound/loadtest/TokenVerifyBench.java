package io.rebound.loadtest;

import io.rebound.auth.ConnectClaims;
import io.rebound.auth.JwtSigner;
import io.rebound.auth.JwtVerifier;
import io.rebound.auth.TokenSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * CPU cost of verifying one connection token, per algorithm, on one thread: what an event loop
 * spends per client during a mass reconnect. A loop benchmark, not JMH: it warms up, then times
 * {@code --tokens} verifications cycling through {@value #DISTINCT} distinct tokens (distinct
 * users; the verifier caches nothing per token) and prints the thread's CPU time per token (immune
 * to other processes taking the core, unlike wall time, which is printed beside it) and tokens per
 * second per core, median of {@code --runs}.
 *
 * <pre>
 * java -cp target/rebound-loadtest.jar io.rebound.loadtest.TokenVerifyBench --tokens 20000 --runs 5
 * </pre>
 */
public final class TokenVerifyBench {

  private static final int DISTINCT = 500;

  private TokenVerifyBench() {}

  public static void main(String[] args) throws Exception {
    int tokens = 20_000;
    int runs = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--tokens" -> tokens = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--tokens N, --runs N)");
      }
    }
    String secret = "bench-secret-that-is-long-enough-for-hs256";
    KeyPair rsa2048 = pair("RSA", 2048, null);
    KeyPair rsa4096 = pair("RSA", 4096, null);
    KeyPair p256 = pair("EC", 0, "secp256r1");
    System.out.printf("%-12s %14s %14s %14s%n", "algorithm", "cpu us/token", "tokens/s/core", "wall us/token");
    run("HS256", TokenSettings.hmac(secret), new JwtSigner(secret), tokens, runs);
    run("RS256-2048", pem(rsa2048.getPublic(), true), JwtSigner.asymmetric("RS256", rsa2048.getPrivate(), null), tokens, runs);
    run("RS256-4096", pem(rsa4096.getPublic(), true), JwtSigner.asymmetric("RS256", rsa4096.getPrivate(), null), tokens, runs);
    run("ES256", pem(p256.getPublic(), false), JwtSigner.asymmetric("ES256", p256.getPrivate(), null), tokens, runs);
  }

  private static void run(String name, TokenSettings settings, JwtSigner signer, int tokens, int runs) throws Exception {
    JwtVerifier verifier = JwtVerifier.create(null, settings, null);
    long now = System.currentTimeMillis() / 1000;
    List<String> batch = new ArrayList<>(DISTINCT);
    for (int i = 0; i < DISTINCT; i++) batch.add(signer.sign(Map.of("sub", "user-" + i, "exp", now + 3600, "info", Map.of("n", i))));
    verifyAll(verifier, batch, Math.max(tokens / 2, 2 * DISTINCT), now); // warm-up: JIT, provider lookups
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> cpu = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long wallStart = System.nanoTime();
      verifyAll(verifier, batch, tokens, now);
      cpu.add((threads.getCurrentThreadCpuTime() - cpuStart) / 1000.0 / tokens);
      wall.add((System.nanoTime() - wallStart) / 1000.0 / tokens);
    }
    cpu.sort(Double::compare);
    wall.sort(Double::compare);
    double median = cpu.get(cpu.size() / 2);
    System.out.printf("%-12s %14.1f %14.0f %14.1f%n", name, median, 1_000_000 / median, wall.get(wall.size() / 2));
  }

  private static void verifyAll(JwtVerifier verifier, List<String> batch, int count, long now) throws Exception {
    for (int i = 0; i < count; i++) {
      ConnectClaims c = verifier.verifyConnect(batch.get(i % batch.size()), now);
      if (c.user().isEmpty()) throw new IllegalStateException("a token did not verify");
    }
  }

  private static KeyPair pair(String algorithm, int bits, String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) g.initialize(new ECGenParameterSpec(curve));
    else g.initialize(bits);
    return g.generateKeyPair();
  }

  private static TokenSettings pem(PublicKey key, boolean rsa) {
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----";
    return rsa ? new TokenSettings("", pem, "", "", "", "", "", "") : new TokenSettings("", "", pem, "", "", "", "", "");
  }
}
