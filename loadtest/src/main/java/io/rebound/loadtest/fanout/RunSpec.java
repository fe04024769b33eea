package io.rebound.loadtest.fanout;

/**
 * One measurement round: publications carry {@code seq} in {@code [seqBase, seqBase + publications)}, so
 * late deliveries of an earlier round are recognised and ignored.
 */
public record RunSpec(int run, long seqBase, int publications) {

  /** The round {@code run} (0-based) of {@code publications} publications. */
  public static RunSpec of(int run, int publications) {
    return new RunSpec(run, (long) run * publications, publications);
  }
}
