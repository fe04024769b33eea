package io.rebound.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One second of one node, as the admin page's chart shows it: the open connections at the end of
 * the second and what happened during it. A balancer reload reads as many {@code closed} (with no
 * server disconnect code), then as many {@code opened} and {@code recoveriesAttempted} that end
 * {@code recovered} (or {@code resumed}); a node shutdown reads as disconnects with code 3001.
 *
 * @param second the epoch second this sample covers (the same clock on every node, so a cluster's
 *     samples add up by second)
 * @param disconnects server-initiated disconnects by close code, at most {@link #MAX_KEYS} codes
 *     (the rest under {@code "other"})
 * @param refusedByReason refused recoveries by reason ({@code trimmed}, {@code epoch_changed},
 *     {@code ahead}, {@code over_limit})
 */
record Sample(long second, long connections, long opened, long closed, long recoveriesAttempted, long recovered,
    long recoveriesRefused, Map<String, Long> refusedByReason, long resumed, long resumesRefused, long publications,
    long deliveries, Map<String, Long> disconnects) {

  /** The most distinct keys a sample's maps keep; custom disconnect codes are otherwise unbounded. */
  static final int MAX_KEYS = 16;

  Sample {
    refusedByReason = capped(refusedByReason);
    disconnects = capped(disconnects);
  }

  private static Map<String, Long> capped(Map<String, Long> counts) {
    var nonZero = counts.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
    Map<String, Long> out = new LinkedHashMap<>();
    int keep = nonZero.size() <= MAX_KEYS ? nonZero.size() : MAX_KEYS - 1;
    for (int i = 0; i < nonZero.size(); i++) {
      var e = nonZero.get(i);
      if (i < keep) out.put(e.getKey(), e.getValue());
      else out.merge("other", e.getValue(), Long::sum);
    }
    return Map.copyOf(out);
  }

  /**
   * This sample and {@code later} (of the same second, when a timer fired twice in one) as one: the
   * counts added, the connections as {@code later} saw them.
   */
  Sample plus(Sample later) {
    return new Sample(second, later.connections, opened + later.opened, closed + later.closed,
        recoveriesAttempted + later.recoveriesAttempted, recovered + later.recovered, recoveriesRefused + later.recoveriesRefused,
        sum(refusedByReason, later.refusedByReason), resumed + later.resumed, resumesRefused + later.resumesRefused,
        publications + later.publications, deliveries + later.deliveries, sum(disconnects, later.disconnects));
  }

  private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> out = new LinkedHashMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  /** The sample as the admin API sends it: {@code t}, {@code connections} and only the non-zero counts. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("t", second).put("connections", connections);
    putNonZero(o, "opened", opened);
    putNonZero(o, "closed", closed);
    putNonZero(o, "recoveries_attempted", recoveriesAttempted);
    putNonZero(o, "recovered", recovered);
    putNonZero(o, "recoveries_refused", recoveriesRefused);
    putNonZero(o, "resumed", resumed);
    putNonZero(o, "resumes_refused", resumesRefused);
    putNonZero(o, "publications", publications);
    putNonZero(o, "deliveries", deliveries);
    if (!refusedByReason.isEmpty()) refusedByReason.forEach(o.putObject("refused_by_reason")::put);
    if (!disconnects.isEmpty()) disconnects.forEach(o.putObject("disconnects")::put);
    return o;
  }

  private static void putNonZero(ObjectNode o, String key, long value) {
    if (value != 0) o.put(key, value);
  }
}
