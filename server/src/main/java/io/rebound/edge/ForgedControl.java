package io.rebound.edge;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts edge control messages refused for a missing or bad signature, or a stale time stamp, and
 * logs them at powers of two only (a flood of forgeries must not become a flood of log lines).
 */
final class ForgedControl {

  private static final Logger LOG = LoggerFactory.getLogger(ForgedControl.class);
  private static final AtomicLong REFUSED = new AtomicLong();

  private ForgedControl() {}

  static void refused() {
    long n = REFUSED.incrementAndGet();
    if (Long.bitCount(n) == 1) {
      LOG.warn("event=forged_control_refused total={} (an unsigned or stale edge control message; see README, Trust model)", n);
    }
  }
}
