package io.rebound.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every meter the node exposes on {@code GET /metrics}, named in one place (documented in README.md).
 * Thread-safe: edges on several event loops update the same meters.
 */
public final class BrokerMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong subscriptions = new AtomicLong();
  private final Counter connectionsOpened = counter("rebound_connections_opened_total", "Connections accepted, over any transport (before the connect command)");
  private final Counter connectionsClosed = counter("rebound_connections_closed_total", "Connections ended, by the client, the network or the server (see rebound_disconnects_total for the server's codes)");
  private final Counter connectsAccepted = counter("rebound_connects_total", "Connections that completed the connect command");
  private final Counter publications = counter("rebound_publications_total", "Publications accepted (API and client publish)");
  private final Counter deliveries = counter("rebound_deliveries_total", "Publication pushes written to connections");
  private final Counter recoveriesAttempted = counter("rebound_recoveries_attempted_total", "Subscribes that asked to recover from a position");
  private final Counter recoveriesSucceeded = counter("rebound_recoveries_succeeded_total", "Recoveries answered with recovered:true");
  private final Counter recoveriesRefused = counter("rebound_recoveries_refused_total", "Recoveries answered with recovered:false (position trimmed, expired, other epoch or over the replay cap)");
  private final Counter slowDisconnects = counter("rebound_slow_consumer_disconnects_total", "Connections closed because their outbound queue overflowed");
  private final Counter gapFills = counter("rebound_gap_fills_total", "Out-of-order gaps filled from history");
  private final Counter insufficientState = counter("rebound_insufficient_state_total", "Subscriptions told to resubscribe because continuity could not be proven");
  private final Counter resumes = counter("rebound_sessions_resumed_total", "Dropped sessions resumed on a new connection (docs/EXTENSIONS.md)");
  private final Counter resumesRefused = counter("rebound_session_resumes_refused_total", "Resume requests answered resumed:false (unknown session, window over, messages evicted)");
  private final Counter resumeWindowsExpired = counter("rebound_session_resume_windows_expired_total", "Detached resumable sessions whose resume window ran out before a connection resumed them");
  private final Counter discontinuities = counter("rebound_discontinuities_total", "Discontinuity pushes sent to subscriptions that stayed attached");
  private final Counter keepalivePings = Counter.builder("rebound_pings_sent_total").tag("reason", "keepalive")
      .description("Server pings written to connections, by reason: keepalive (client_ping_interval) or sync_ack (after user_sync publications)").register(registry);
  private final Counter syncAckPings = Counter.builder("rebound_pings_sent_total").tag("reason", "sync_ack")
      .description("Server pings written to connections, by reason: keepalive (client_ping_interval) or sync_ack (after user_sync publications)").register(registry);
  private final Counter syncAcknowledgements = counter("rebound_sync_acknowledgements_total", "User-sync positions acknowledged by a client (pong or recovery position) and sent to the store");
  private final Counter malformed = counter("rebound_malformed_commands_total", "Client frames rejected as malformed");
  private final ConcurrentHashMap<String, AtomicLong> byTransport = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> emulationRequests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Counter> disconnects = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Counter> replyErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> apiRequests = new ConcurrentHashMap<>();
  private volatile LongSupplier[] historyMemorySources;
  private volatile LongSupplier[] fanoutSources;
  private final ConcurrentHashMap<String, Counter> refusedByReason = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> webhookEvents = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> webhookRequests = new ConcurrentHashMap<>();
  private final Counter webhookDelivered = counter("rebound_webhook_events_delivered_total", "Lifecycle webhook events the backend acknowledged");
  private final Counter webhookDropped = counter("rebound_webhook_events_dropped_total", "Lifecycle webhook events dropped because webhook_buffer_size events were already waiting");
  private final Counter webhookDeadNode = counter("rebound_webhook_dead_node_disconnects_total", "Disconnect events this node queued for sessions of dead nodes");
  private final Counter webhookLedger = counter("rebound_webhook_ledger_failures_total", "Failed writes of webhook session records to the cluster (retried)");

  // Cluster gauges: registered on the first sample, so a node without a cluster does not export a misleading 0.
  private final AtomicLong clusterMembers = new AtomicLong();
  private final AtomicLong clusterSafe = new AtomicLong();
  private final AtomicLong historyOwnedBytes = new AtomicLong();
  private final AtomicLong historyOwnedStreams = new AtomicLong();
  private volatile boolean clusterRegistered;

  public BrokerMetrics() {
    Gauge.builder("rebound_subscriptions", subscriptions, AtomicLong::get).description("Active channel subscriptions").register(registry);
    // Heap, CPU, uptime and threads: what a dashboard shows beside the broker's own figures (jvm_*, process_*, system_*).
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private Counter counter(String name, String help) {
    return Counter.builder(name).description(help).register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A connection accepted over {@code transport} ({@code websocket}, {@code http_stream}, …) speaking
   * {@code format} ({@code json}, …): counted in {@code rebound_connections{transport,format}}.
   */
  public void connectionOpened(String transport, String format) {
    connections.incrementAndGet();
    connectionsOpened.increment();
    openByTransport(transport, format).incrementAndGet();
  }

  /** A connection counted by {@link #connectionOpened} with the same labels ended. */
  public void connectionClosed(String transport, String format) {
    connections.decrementAndGet();
    connectionsClosed.increment();
    openByTransport(transport, format).decrementAndGet();
  }

  /**
   * The gauge of open connections over {@code transport} in {@code format}, registered on first use
   * (a node may call it at start for the transports it serves, so dashboards see them at 0). Kept
   * here: Micrometer holds a gauge's object weakly.
   */
  public AtomicLong openByTransport(String transport, String format) {
    return byTransport.computeIfAbsent(transport + '\u0000' + format, k -> {
      AtomicLong open = new AtomicLong();
      Gauge.builder("rebound_connections", open, AtomicLong::get).tag("transport", transport).tag("format", format)
          .description("Open client connections, by transport and wire format").register(registry);
      return open;
    });
  }

  public long connections() { return connections.get(); }
  public void connected() { connectsAccepted.increment(); }
  public void subscribed() { subscriptions.incrementAndGet(); }
  public void unsubscribed() { subscriptions.decrementAndGet(); }
  public long subscriptions() { return subscriptions.get(); }
  public void published() { publications.increment(); }
  public void delivered(int n) { deliveries.increment(n); }
  public void recoveryAttempted() { recoveriesAttempted.increment(); }
  public void recoverySucceeded() { recoveriesSucceeded.increment(); }
  public void recoveryRefused() { recoveriesRefused.increment(); }
  public double recoveriesSucceeded() { return recoveriesSucceeded.count(); }
  public double recoveriesRefused() { return recoveriesRefused.count(); }

  /**
   * A recovery answered {@code recovered:false}, with why ({@code trimmed}, {@code epoch_changed},
   * {@code ahead}, {@code over_limit}): counted in the total and by reason.
   */
  public void recoveryRefused(String reason) {
    recoveriesRefused.increment();
    refusedByReason.computeIfAbsent(reason, r -> Counter.builder("rebound_recoveries_refused_by_reason_total").tag("reason", r)
        .description("Recoveries answered with recovered:false, by reason").register(registry)).increment();
  }
  public void slowDisconnect() { slowDisconnects.increment(); }

  /**
   * A {@code POST /emulation} by where its commands went: {@code local} (this node holds the
   * session), {@code forwarded} (sent on to the node that does), {@code received} (forwarded here).
   */
  public void emulationRequest(String route) {
    emulationRequests.computeIfAbsent(route, r -> Counter.builder("rebound_emulation_requests_total").tag("route", r)
        .description("POST /emulation requests, by route: local, forwarded (to the node holding the session), received (from another node)")
        .register(registry)).increment();
  }
  public void gapFilled() { gapFills.increment(); }
  public void insufficientState() { insufficientState.increment(); }
  public void resumed() { resumes.increment(); }
  public void resumeRefused() { resumesRefused.increment(); }
  public void resumeWindowExpired() { resumeWindowsExpired.increment(); }
  public void discontinuity() { discontinuities.increment(); }
  public void malformedCommand() { malformed.increment(); }
  public void pingSent(boolean forSync) { (forSync ? syncAckPings : keepalivePings).increment(); }
  public void syncAcknowledged() { syncAcknowledgements.increment(); }

  /**
   * {@code rebound_fanout_received_total{source}}: fan-out messages the node's broadcaster handed to
   * its edges, {@code local} (published on this node) or {@code cluster} (from another node, or through
   * Redis pub/sub). With routing by interest the {@code cluster} count grows only for channels the node
   * has subscribers of. Call once.
   */
  public void fanoutReceived(LongSupplier local, LongSupplier cluster) {
    fanoutSources = new LongSupplier[] {local, cluster}; // held strongly: Micrometer keeps function counters' objects weakly
    String help = "Fan-out messages handed to this node's edges, by source: local (published here) or cluster (from other nodes or Redis)";
    FunctionCounter.builder("rebound_fanout_received_total", local, LongSupplier::getAsLong).tag("source", "local").description(help).register(registry);
    FunctionCounter.builder("rebound_fanout_received_total", cluster, LongSupplier::getAsLong).tag("source", "cluster").description(help).register(registry);
  }

  /**
   * The memory engine's history budget: {@code rebound_history_memory_bytes} (held now), {@code
   * rebound_history_memory_limit_bytes} and {@code rebound_history_streams_evicted_total}.
   */
  public void historyMemory(LongSupplier heldBytes, LongSupplier limitBytes, LongSupplier evictedStreams) {
    // Micrometer holds a gauge's or function counter's object weakly, and these suppliers have no
    // other owner: kept here, or they would be collected and scraped as NaN.
    historyMemorySources = new LongSupplier[] {heldBytes, limitBytes, evictedStreams};
    Gauge.builder("rebound_history_memory_bytes", heldBytes, s -> s.getAsLong())
        .description("Bytes of history the memory engine holds (estimate of their heap)").register(registry);
    Gauge.builder("rebound_history_memory_limit_bytes", limitBytes, s -> s.getAsLong())
        .description("history_memory_limit: above it least-recently-used streams are evicted").register(registry);
    FunctionCounter.builder("rebound_history_streams_evicted_total", evictedStreams, s -> s.getAsLong())
        .description("Streams evicted to keep history within history_memory_limit").register(registry);
  }

  // Cumulative readings for samplers (the admin page's per-second series): totals since start.
  public double connectionsOpenedTotal() { return connectionsOpened.count(); }
  public double connectionsClosedTotal() { return connectionsClosed.count(); }
  public double publicationsTotal() { return publications.count(); }
  public double deliveriesTotal() { return deliveries.count(); }
  public double recoveriesAttempted() { return recoveriesAttempted.count(); }
  public double resumesTotal() { return resumes.count(); }
  public double resumesRefusedTotal() { return resumesRefused.count(); }

  /** Server-initiated disconnects so far, by close code. */
  public Map<Integer, Double> disconnectsByCode() {
    Map<Integer, Double> out = new HashMap<>();
    disconnects.forEach((code, counter) -> out.put(code, counter.count()));
    return out;
  }

  /** Refused recoveries so far, by reason (only those counted with {@link #recoveryRefused(String)}). */
  public Map<String, Double> recoveriesRefusedByReason() {
    Map<String, Double> out = new HashMap<>();
    refusedByReason.forEach((reason, counter) -> out.put(reason, counter.count()));
    return out;
  }

  public void disconnect(int code) {
    disconnects.computeIfAbsent(code, c -> Counter.builder("rebound_disconnects_total").tag("code", String.valueOf(c))
        .description("Server-initiated disconnects by close code").register(registry)).increment();
  }

  public void replyError(int code) {
    replyErrors.computeIfAbsent(code, c -> Counter.builder("rebound_reply_errors_total").tag("code", String.valueOf(c))
        .description("Error replies to client commands by error code").register(registry)).increment();
  }

  /**
   * A sample of the cluster as this member sees it: members, whether one more may leave without losing data (every
   * partition backed up), and the history streams this member owns with their memory (Hazelcast's entry cost).
   */
  public void clusterSample(int members, boolean safe, long ownedStreams, long ownedBytes) {
    clusterMembers.set(members);
    clusterSafe.set(safe ? 1 : 0);
    historyOwnedStreams.set(ownedStreams);
    historyOwnedBytes.set(ownedBytes);
    if (clusterRegistered) return;
    synchronized (this) {
      if (clusterRegistered) return;
      Gauge.builder("rebound_cluster_members", clusterMembers, AtomicLong::get)
          .description("Cluster members as this member sees them (members that disagree: a partition or a split brain)").register(registry);
      Gauge.builder("rebound_cluster_safe", clusterSafe, AtomicLong::get)
          .description("1 when every partition has its backups (one more member may leave without losing history), else 0").register(registry);
      Gauge.builder("rebound_history_owned_streams", historyOwnedStreams, AtomicLong::get)
          .description("Channel streams whose primary copy this member holds (hazelcast history)").register(registry);
      Gauge.builder("rebound_history_owned_bytes", historyOwnedBytes, AtomicLong::get).baseUnit("bytes")
          .description("Memory of the channel streams this member owns, backups excluded (hazelcast history)").register(registry);
      clusterRegistered = true;
    }
  }

  public void apiRequest(String method) {
    apiRequests.computeIfAbsent(method, m -> Counter.builder("rebound_api_requests_total").tag("method", m)
        .description("Server API calls by method").register(registry)).increment();
  }

  /** A lifecycle event of {@code type} (connect, subscribe, unsubscribe, disconnect) queued for the webhook. */
  public void webhookEvent(String type) {
    webhookEvents.computeIfAbsent(type, t -> Counter.builder("rebound_webhook_events_total").tag("type", t)
        .description("Lifecycle webhook events queued for delivery, by type").register(registry)).increment();
  }

  /** One webhook request ended: {@code ok} (2xx), {@code status} (another status), {@code error} or {@code timeout}. */
  public void webhookRequest(String outcome) {
    webhookRequests.computeIfAbsent(outcome, o -> Counter.builder("rebound_webhook_requests_total").tag("outcome", o)
        .description("Webhook requests by outcome (ok = 2xx; status, error and timeout are resent)").register(registry)).increment();
  }

  public void webhookDelivered(int n) { webhookDelivered.increment(n); }
  public void webhookDropped() { webhookDropped.increment(); }
  public double webhookEventsDropped() { return webhookDropped.count(); }
  public void webhookDeadNodeDisconnect() { webhookDeadNode.increment(); }
  public void webhookLedgerFailure() { webhookLedger.increment(); }

  /** Registers the gauge of events waiting for webhook delivery (once per node). */
  public void webhookBufferGauge(java.util.function.IntSupplier buffered) {
    Gauge.builder("rebound_webhook_buffered_events", buffered, b -> b.getAsInt())
        .description("Lifecycle webhook events waiting for delivery (bounded by webhook_buffer_size)").register(registry);
  }
}
