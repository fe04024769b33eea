package io.rebound.bus;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the messages of one kind that a node refused for a missing or bad cluster signature, or a
 * stale time stamp ({@link ClusterSigner#open}), and logs them as {@code event=<event>} at powers of
 * two only: a flood of forgeries must not become a flood of log lines. Thread-safe.
 */
public final class ForgedMessages {

  /** Edge control (disconnect, unsubscribe, …) that did not come from a node of this cluster. */
  public static final ForgedMessages CONTROL = new ForgedMessages("forged_control_refused", "an unsigned or stale edge control message");
  /** Emulation commands ({@code POST /emulation} forwarded between nodes) that did not come from a node of this cluster. */
  public static final ForgedMessages EMULATION = new ForgedMessages("forged_emulation_refused",
      "an unsigned or stale forwarded emulation request");

  /** Route probes and markers ({@code RouteConfirmations}) that did not come from a node of this cluster. */
  public static final ForgedMessages ROUTE = new ForgedMessages("forged_route_refused", "an unsigned or stale fan-out route probe or marker");

  /** {@code channels} requests between nodes ({@code api.ClusterChannels}) that did not come from a node of this cluster. */
  public static final ForgedMessages STATS = new ForgedMessages("forged_stats_refused", "an unsigned or stale channels request");

  private static final Logger LOG = LoggerFactory.getLogger(ForgedMessages.class);

  private final String event;
  private final String what;
  private final AtomicLong refused = new AtomicLong();

  private ForgedMessages(String event, String what) {
    this.event = event;
    this.what = what;
  }

  /** Counts one refusal; logs it when the count is a power of two. */
  public void refused() {
    long n = refused.incrementAndGet();
    if (Long.bitCount(n) == 1) LOG.warn("event={} total={} ({}; see README, Trust model)", event, n, what);
  }

  /** Refusals since this JVM started. */
  public long total() {
    return refused.get();
  }
}
