package io.rebound.webhook.redis;

import io.rebound.webhook.DeadNodeReport;
import io.rebound.webhook.LedgerHost;
import io.rebound.webhook.SessionRecord;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the sessions of dead nodes through Redis. Every node scans the set of nodes every third of
 * {@code webhook_node_ttl} (at most 2 s); for a node whose heartbeat has expired it tries an atomic
 * claim (a Lua script: no heartbeat, and no claim by anyone else → this node's claim, with a lease).
 * The one winner reads the dead node's hash, reports each record as a disconnect, deletes it once
 * delivered, and at the end removes the hash, the claim and the node's entry in the set. The lease is
 * renewed on every scan while the report lasts; a winner that dies lets it expire, and another node
 * takes over (its events carry the same ids).
 *
 * <p>How long it takes: a node's last heartbeat lives {@code webhook_node_ttl} (10 s by default), so
 * its disconnects are queued between 2/3 of the TTL and the TTL plus one scan after it died; after a
 * graceful stop that left records, at the next scan.
 *
 * <p>A node that has just started, or just got Redis back, waits one TTL before it claims anything:
 * after a Redis restart every live node needs that long to write its heartbeat again, and must not be
 * taken for dead meanwhile.
 *
 * <p>Confined to the webhook context.
 */
final class RedisDeadNodes {

  private static final Logger LOG = LoggerFactory.getLogger(RedisDeadNodes.class);

  /** KEYS: heartbeat, claim of the node; ARGV: claimer, lease ms. 1 = the claimer holds the claim (taken or renewed). */
  private static final String CLAIM = """
      if redis.call('exists', KEYS[1]) == 1 then return 0 end
      local owner = redis.call('get', KEYS[2])
      if owner and owner ~= ARGV[1] then return 0 end
      redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[2])
      return 1
      """;
  /** KEYS: claim, sessions of the node; ARGV: claimer. Removes both if the claimer still holds the claim. */
  private static final String RELEASE = """
      if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
      redis.call('del', KEYS[2], KEYS[1])
      return 1
      """;

  private final RedisWebhookLink link;
  private final RedisWebhookKeys keys;
  private final String me;
  private final long ttlMs;
  private final long leaseMs;
  private final long scanMs;
  private final LedgerHost host;
  private final Map<String, DeadNodeReport> reports = new HashMap<>(); // by dead node id
  private long upSince;
  private long timer = -1;
  private boolean scanning;
  private boolean stopped;

  RedisDeadNodes(RedisWebhookLink link, RedisWebhookKeys keys, String me, Duration ttl, LedgerHost host) {
    this.link = link;
    this.keys = keys;
    this.me = me;
    this.ttlMs = ttl.toMillis();
    this.leaseMs = Math.max(3 * ttlMs, 30_000);
    this.scanMs = Math.max(100, Math.min(2_000, ttlMs / 3));
    this.host = host;
  }

  void start() {
    upSince = System.currentTimeMillis();
    timer = host.vertx().setPeriodic(scanMs, t -> scan());
  }

  /** Redis is back: wait a TTL again before claiming (other nodes rewrite their heartbeats meanwhile). */
  void reconnected() {
    upSince = System.currentTimeMillis();
  }

  void stop() {
    stopped = true;
    if (timer >= 0) host.vertx().cancelTimer(timer);
    reports.clear(); // the claims lapse and another node finishes these reports
  }

  private void scan() {
    if (stopped || scanning || !link.isUp()) return;
    reports.values().forEach(DeadNodeReport::pump); // the buffer may have room again
    if (System.currentTimeMillis() < upSince + ttlMs) return;
    scanning = true;
    link.send(Request.cmd(Command.SMEMBERS).arg(keys.nodes()))
        .compose(nodes -> {
          List<Future<Void>> claims = new ArrayList<>();
          for (Response n : nodes) {
            String node = n.toString();
            if (!node.equals(me)) claims.add(claim(node));
          }
          return Future.join(claims);
        })
        .onComplete(ar -> {
          scanning = false;
          if (ar.failed()) LOG.debug("event=webhook_dead_node_scan_failed error=\"{}\"", ar.cause().getMessage());
        });
  }

  /** Claims (or keeps claiming) {@code node} if its heartbeat is gone, and starts reporting it. */
  private Future<Void> claim(String node) {
    return link.send(Request.cmd(Command.EVAL).arg(CLAIM).arg(2).arg(keys.alive(node)).arg(keys.claim(node)).arg(me).arg(leaseMs))
        .compose(held -> {
          if (stopped) return Future.succeededFuture();
          if (held.toInteger() != 1) {
            // Alive after all, or claimed by another node (our lease lapsed): not ours to report.
            if (reports.remove(node) != null) LOG.info("event=webhook_dead_node_claim_lost id={}", node);
            return Future.succeededFuture();
          }
          return reports.containsKey(node) ? Future.succeededFuture() : read(node);
        });
  }

  private Future<Void> read(String node) {
    return link.send(Request.cmd(Command.HGETALL).arg(keys.sessions(node))).map(hash -> {
      if (stopped || reports.containsKey(node)) return null;
      List<SessionRecord> records = new ArrayList<>();
      for (int i = 0; i + 1 < hash.size(); i += 2) {
        try {
          records.add(SessionRecord.fromJson(hash.get(i + 1).toString()));
        } catch (IllegalArgumentException bad) {
          LOG.warn("event=webhook_bad_session_record id={} client={} error=\"{}\" (skipped)", node, hash.get(i), bad.getMessage());
        }
      }
      String name = records.isEmpty() ? node : records.get(0).node();
      if (!records.isEmpty()) {
        LOG.info("event=webhook_dead_node node={} id={} sessions={}: reporting their disconnects", name, node, records.size());
      }
      long started = System.currentTimeMillis();
      DeadNodeReport[] self = new DeadNodeReport[1];
      DeadNodeReport report = new DeadNodeReport(name, records, host,
          r -> link.send(Request.cmd(Command.HDEL).arg(keys.sessions(node)).arg(r.client())),
          () -> finished(node, self[0], records.size(), started));
      self[0] = report;
      reports.put(node, report);
      report.pump();
      return null;
    });
  }

  private void finished(String node, DeadNodeReport report, int sessions, long started) {
    if (sessions > 0) {
      LOG.info("event=webhook_dead_node_reported node={} id={} sessions={} took_ms={}", report.deadNode(), node, sessions,
          System.currentTimeMillis() - started);
    }
    link.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(2).arg(keys.claim(node)).arg(keys.sessions(node)).arg(me))
        .compose(released -> released.toInteger() == 1 ? link.send(Request.cmd(Command.SREM).arg(keys.nodes()).arg(node)) : Future.succeededFuture())
        .onComplete(ar -> {
          reports.remove(node, report); // a report dropped when its claim was lost may finish late: leave a newer one alone
          if (ar.failed()) LOG.warn("event=webhook_dead_node_cleanup_failed id={} error=\"{}\"", node, ar.cause().getMessage());
        });
  }
}
