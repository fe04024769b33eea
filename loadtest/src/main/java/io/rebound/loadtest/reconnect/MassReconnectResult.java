package io.rebound.loadtest.reconnect;

import io.rebound.loadtest.common.Stats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The figures of one {@link MassReconnect} run (written to result.json; meanings in loadtest/README.md).
 *
 * @param recoveredFromHistory resubscriptions answered {@code recovered:true} (missed publications read from history)
 * @param unrecovered resubscriptions answered {@code recovered:false} (the app must reload that state)
 * @param resumed reconnects whose connect reply said {@code resumed:true} (with {@code --resume})
 * @param resumedSubscriptions subscriptions continued by a resumed session (no resubscribe, no history read): they
 *     count as recovered
 * @param resumeRefused reconnects that asked to resume and got a new session; their subscriptions recovered per channel
 * @param freshSubscribes subscribes that did not ask to recover (the initial ones)
 * @param serverResumes delta of the brokers' {@code rebound_sessions_resumed_total}
 * @param lost publications missing from a subscription that never got recovered:false for that gap
 * @param recoveryLatencyMicros per affected client: disruption instant to connected + both subscriptions answered
 * @param fromOwnCutMicros per affected client: the moment it noticed its cut to connected + both subscriptions answered
 *     (the broker's share of the recovery, without the time the cut took to reach the client)
 * @param cutReachedLastClientMs from the last disruption to the moment its last affected client noticed the cut
 * @param notRecoveredClients affected clients still not ready when the run ended
 * @param balancerRefused connections the tool's balancers closed on accept; -1 with balancers run elsewhere ({@code --balancer-url})
 */
public record MassReconnectResult(
    MassReconnectOptions options,
    long published,
    long publishRetries,
    String firstPublishError,
    double publishPerS,
    long deliveries,
    double deliveriesPerS,
    long lost,
    long duplicates,
    long recoveredFromHistory,
    long unrecovered,
    long resumed,
    long resumedSubscriptions,
    long resumeRefused,
    long freshSubscribes,
    long serverResumes,
    int affectedClients,
    int notRecoveredClients,
    int notCaughtUpSubscriptions,
    boolean quiesced,
    long historyRecoveries,
    long refusedRecoveries,
    long attemptedRecoveries,
    long disconnects,
    long connectAttempts,
    long replyErrors,
    String firstReplyError,
    long stray,
    long insufficientState,
    long balancerRefused,
    List<Long> disruptionsMs,
    long[] recoveryLatencyMicros,
    long[] fromOwnCutMicros,
    long cutReachedLastClientMs,
    List<Timeline.Sample> timeline,
    double maxProcessCpuPct,
    double avgProcessCpuPct,
    double maxBrokerCpuPct,
    double avgBrokerCpuPct,
    double maxHeapMb) {

  /** Subscriptions back without a gap after a cut: recovered:true from history, or continued by a resumed session. */
  public long recovered() {
    return recoveredFromHistory + resumedSubscriptions;
  }

  /** Share of the subscriptions cut that came back without a gap, in %; 100 when nothing had to recover. */
  public double recoveredPct() {
    long recovered = recovered();
    long all = recovered + unrecovered;
    return all == 0 ? 100.0 : 100.0 * recovered / all;
  }

  /** The nearest-rank percentile {@code p} (0..100] of the recovery latencies, in ms; 0 when no client was affected. */
  public long latencyPercentileMs(double p) {
    return Stats.percentile(recoveryLatencyMicros, p) / 1000;
  }

  /** The nearest-rank percentile {@code p} (0..100] of the latencies from each client's own cut, in ms. */
  public long fromOwnCutPercentileMs(double p) {
    return Stats.percentile(fromOwnCutMicros, p) / 1000;
  }

  /**
   * What an app backend would have had to serve without history recovery (and without resume): every subscription
   * cut reloads state. With recovery only the recovered:false ones do.
   */
  public long backendRequestsWithoutRecovery() {
    return recovered() + unrecovered;
  }

  /** True when the run satisfies {@code --strict}. */
  public boolean strictOk() {
    boolean recoveryOk = options.scenario != MassReconnectOptions.Scenario.RELOAD || (recoveredPct() >= 100.0 && notRecoveredClients == 0);
    return lost == 0 && duplicates == 0 && recoveryOk;
  }

  public JsonObject toJson() {
    JsonObject config = new JsonObject()
        .put("scenario", options.scenario.flag()).put("nodes", options.targets.isEmpty() ? options.nodes : options.targets.size())
        .put("targets", new JsonArray(options.targets)).put("in_process", options.targets.isEmpty())
        .put("engine", !options.targets.isEmpty() ? "external" : options.nodes > 1 ? "hazelcast" : "memory")
        .put("clients", options.clients).put("rate", options.rate).put("shared_every", options.sharedEvery)
        .put("warmup_s", options.warmupS).put("after_s", options.afterS).put("refuse_ms", options.effectiveRefuseMs())
        .put("backoff_min_ms", options.backoffMinMs).put("backoff_max_ms", options.backoffMaxMs)
        .put("history_size", options.effectiveHistorySize()).put("quiesce_s", options.quiesceS)
        .put("resume", options.resume).put("resume_window_s", options.resume ? options.resumeWindowS : 0)
        .put("resume_buffer_size", options.resume && options.targets.isEmpty() ? options.effectiveResumeBufferSize() : 0)
        .put("event_loops", options.eventLoops).put("cores", Runtime.getRuntime().availableProcessors());
    JsonObject latency = new JsonObject().put("clients", recoveryLatencyMicros.length)
        .put("p50_ms", latencyPercentileMs(50)).put("p99_ms", latencyPercentileMs(99)).put("max_ms", latencyPercentileMs(100));
    JsonObject fromOwnCut = new JsonObject().put("clients", fromOwnCutMicros.length)
        .put("p50_ms", fromOwnCutPercentileMs(50)).put("p99_ms", fromOwnCutPercentileMs(99)).put("max_ms", fromOwnCutPercentileMs(100));
    JsonArray samples = new JsonArray();
    for (Timeline.Sample s : timeline) {
      samples.add(new JsonArray().add(s.tMs()).add(s.connected()).add(round(s.deliveriesPerS())).add(round(s.publishesPerS()))
          .add(round(s.processCpuPct())).add(round(s.brokerCpuPct())).add(round(s.heapMb())));
    }
    return new JsonObject()
        .put("config", config)
        .put("published", published).put("publish_retries", publishRetries).put("first_publish_error", firstPublishError)
        .put("publish_per_s", round(publishPerS))
        .put("deliveries", deliveries).put("deliveries_per_s", round(deliveriesPerS))
        .put("lost", lost).put("duplicates", duplicates)
        .put("recovered", recovered()).put("recovered_from_history", recoveredFromHistory).put("resumed_subscriptions", resumedSubscriptions)
        .put("unrecovered", unrecovered).put("fresh", freshSubscribes).put("recovered_pct", round(recoveredPct()))
        .put("resumed", resumed).put("resume_refused", resumeRefused).put("server_resumes", serverResumes)
        .put("affected_clients", affectedClients).put("not_recovered_clients", notRecoveredClients)
        .put("not_caught_up_subscriptions", notCaughtUpSubscriptions).put("quiesced", quiesced)
        .put("time_to_full_recovery", latency)
        .put("time_from_own_cut_to_full_recovery", fromOwnCut).put("cut_reached_last_client_ms", cutReachedLastClientMs)
        .put("history_recoveries", historyRecoveries).put("refused_recoveries", refusedRecoveries)
        .put("attempted_recoveries", attemptedRecoveries)
        .put("backend_requests_with_recovery", unrecovered).put("backend_requests_without_recovery", backendRequestsWithoutRecovery())
        .put("disconnects", disconnects).put("connect_attempts", connectAttempts).put("balancer_refused", balancerRefused)
        .put("reply_errors", replyErrors).put("first_reply_error", firstReplyError)
        .put("stray_publications", stray).put("unsubscribe_pushes", insufficientState)
        .put("cpu", new JsonObject().put("process_max_pct", round(maxProcessCpuPct)).put("process_avg_pct", round(avgProcessCpuPct))
            .put("broker_max_pct", round(maxBrokerCpuPct)).put("broker_avg_pct", round(avgBrokerCpuPct)))
        .put("heap_max_mb", round(maxHeapMb))
        .put("disruptions_ms", new JsonArray(disruptionsMs))
        .put("timeline_columns", new JsonArray(List.of("t_ms", "connected", "deliveries_per_s", "publishes_per_s",
            "process_cpu_pct", "broker_cpu_pct", "heap_mb")))
        .put("timeline", samples)
        .put("strict_ok", strictOk());
  }

  /** One-paragraph human summary for the terminal. */
  public String summary() {
    return String.format(
        "scenario %s: %d clients, %d publications (%.0f/s), %d deliveries (%.0f/s)%n"
            + "  recovered %d (%d from history + %d resumed subscriptions) / unrecovered %d (%.2f %%), fresh %d%n"
            + "  resumed clients %d, resume refused %d; affected clients %d, not back %d%n"
            + "  time to full recovery p50 %d ms, p99 %d ms, max %d ms%n"
            + "  from each client's own cut p50 %d ms, p99 %d ms, max %d ms; the cut reached the last client after %d ms%n"
            + "  lost %d, duplicates %d, history recoveries %d vs backend reloads %d with recovery / %d without%n"
            + "  CPU process max %.0f %% avg %.0f %%, brokers max %.0f %% avg %.0f %% (of all cores), heap max %.0f MB",
        options.scenario.flag(), options.clients, published, publishPerS, deliveries, deliveriesPerS,
        recovered(), recoveredFromHistory, resumedSubscriptions, unrecovered, recoveredPct(), freshSubscribes,
        resumed, resumeRefused, affectedClients, notRecoveredClients,
        latencyPercentileMs(50), latencyPercentileMs(99), latencyPercentileMs(100),
        fromOwnCutPercentileMs(50), fromOwnCutPercentileMs(99), fromOwnCutPercentileMs(100), cutReachedLastClientMs,
        lost, duplicates, historyRecoveries, unrecovered, backendRequestsWithoutRecovery(),
        maxProcessCpuPct, avgProcessCpuPct, maxBrokerCpuPct, avgBrokerCpuPct, maxHeapMb);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
