package io.rebound.webhook.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapService;
import io.rebound.hazelcast.IdempotentWrites;
import io.rebound.webhook.DeadNodeReport;
import io.rebound.webhook.LedgerHost;
import io.rebound.webhook.SessionRecord;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the sessions of dead members: on every member-removed event, and every {@link
 * #SCAN_INTERVAL_MS} in case an earlier reporter died half way, the oldest member looks for session
 * maps ({@link HazelcastSessionLedger}) of members that are gone, reports each record as a
 * disconnect, deletes it once delivered, and destroys the map when it is empty.
 *
 * <p>One reporter: every member sees the same member list, oldest first, so only its head acts. In
 * the moment the list changes two members may both act; their events carry the same ids.
 *
 * <p>A map of a member this member saw leave is reported at once. A map of a member it never saw (one
 * that died before this member joined) is reported only when it is still absent from the member list
 * a scan later, so that a member that joined a moment ago and already wrote its map is never taken
 * for dead.
 *
 * <p>How long it takes: Hazelcast removes a member that vanished without a goodbye (kill -9, host
 * failure) after {@code hazelcast.max.no.heartbeat.seconds} (15 s in the shipped cluster.xml); the
 * disconnects are queued as soon as the event arrives, a graceful leave at once.
 *
 * <p>Removing a record is sent again when the partition owner left before answering, and counts as done when
 * only its backup confirmed late ({@link IdempotentWrites#run}): nothing else writes a dead member's map, so a
 * removal applied twice, or after another reporter's, leaves what one leaves. A removal that never lands leaves the
 * record for the next reporter, should this one die before destroying the map: that disconnect would be sent twice.
 *
 * <p>Threading: the listener hops to the webhook context; reading maps and destroying them (calls that
 * block) run on worker threads; everything else runs on the webhook context.
 */
final class HazelcastDeadMembers {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastDeadMembers.class);
  static final long SCAN_INTERVAL_MS = 5_000;

  private final HazelcastInstance hz;
  private final LedgerHost host;
  /** Members this member saw leave (written on Hazelcast's event thread). */
  private final Set<String> seenLeaving = ConcurrentHashMap.newKeySet();
  /**
   * Maps reported and destroyed. Hazelcast may list a destroyed map for a moment, and opening it again
   * would recreate it; names hold a member uuid, so they never come back (one entry per dead member).
   */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  // Confined to the webhook context.
  private final Map<String, DeadNodeReport> reports = new HashMap<>(); // by map name
  private volatile Set<String> absentLastScan = Set.of(); // only orphanMaps uses it, one scan at a time
  private boolean scanning;
  private UUID listener;
  private long timer = -1;
  private boolean stopped;

  HazelcastDeadMembers(HazelcastInstance hz, LedgerHost host) {
    this.hz = hz;
    this.host = host;
  }

  /** Called on the webhook context. */
  Future<Void> start() {
    listener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) { }

      @Override
      public void memberRemoved(MembershipEvent event) {
        seenLeaving.add(event.getMember().getUuid().toString());
        host.context().runOnContext(v -> scan());
      }
    });
    timer = host.vertx().setPeriodic(SCAN_INTERVAL_MS, t -> scan());
    scan();
    return Future.succeededFuture();
  }

  void stop() {
    stopped = true;
    if (timer >= 0) host.vertx().cancelTimer(timer);
    if (listener != null && hz.getLifecycleService().isRunning()) hz.getCluster().removeMembershipListener(listener);
    reports.clear(); // whatever is undelivered stays in the maps for the next oldest member
  }

  private void scan() {
    if (stopped) return;
    reports.values().forEach(DeadNodeReport::pump); // the buffer may have room again
    if (scanning || !oldest()) return;
    scanning = true;
    host.vertx().executeBlocking(this::orphanMaps)
        .compose(orphans -> {
          List<Future<Void>> reading = new ArrayList<>();
          for (String map : orphans) reading.add(report(map));
          return Future.join(reading);
        })
        .onComplete(ar -> {
          scanning = false;
          if (ar.failed()) LOG.warn("event=webhook_dead_member_scan_failed error=\"{}\" (tried again in {} ms)", ar.cause().getMessage(), SCAN_INTERVAL_MS);
        });
  }

  private boolean oldest() {
    if (!hz.getLifecycleService().isRunning()) return false;
    Member first = hz.getCluster().getMembers().iterator().next();
    return first.localMember();
  }

  /** Session maps of members that are gone, not being reported yet (worker thread). */
  private List<String> orphanMaps() {
    Set<String> members = new HashSet<>();
    for (Member m : hz.getCluster().getMembers()) members.add(m.getUuid().toString());
    Set<String> absent = new HashSet<>();
    List<String> orphans = new ArrayList<>();
    for (DistributedObject o : hz.getDistributedObjects()) {
      if (!MapService.SERVICE_NAME.equals(o.getServiceName()) || !o.getName().startsWith(HazelcastSessionLedger.MAP_PREFIX)) continue;
      String member = o.getName().substring(HazelcastSessionLedger.MAP_PREFIX.length());
      if (members.contains(member) || reported.contains(o.getName())) continue;
      absent.add(o.getName());
      if (seenLeaving.contains(member) || absentLastScan.contains(o.getName())) orphans.add(o.getName());
    }
    absentLastScan = absent; // read and written only here, one scan at a time
    return orphans;
  }

  /** Reads the records of {@code mapName} and starts reporting them (unless that is under way). */
  private Future<Void> report(String mapName) {
    if (reports.containsKey(mapName)) return Future.succeededFuture();
    return host.vertx().executeBlocking(() -> {
      IMap<String, String> map = hz.getMap(mapName);
      List<SessionRecord> records = new ArrayList<>();
      List<String> unreadable = new ArrayList<>();
      for (Map.Entry<String, String> e : map.entrySet()) {
        try {
          records.add(SessionRecord.fromJson(e.getValue()));
        } catch (IllegalArgumentException bad) {
          LOG.warn("event=webhook_bad_session_record map={} client={} error=\"{}\" (removed)", mapName, e.getKey(), bad.getMessage());
          unreadable.add(e.getKey());
        }
      }
      return new Read(map, records, unreadable);
    }).map(read -> {
      if (stopped || reports.containsKey(mapName)) return null;
      // Every removal is waited for before the map is destroyed: one landing after would recreate it.
      List<Future<Void>> removals = new ArrayList<>();
      read.unreadable().forEach(client -> removals.add(remove(read.map(), client)));
      String member = mapName.substring(HazelcastSessionLedger.MAP_PREFIX.length());
      String node = read.records().isEmpty() ? member : read.records().get(0).node();
      if (!read.records().isEmpty()) {
        LOG.info("event=webhook_dead_member member={} node={} sessions={}: reporting their disconnects", member, node, read.records().size());
      }
      long started = System.currentTimeMillis();
      DeadNodeReport report = new DeadNodeReport(node, read.records(), host,
          r -> removals.add(remove(read.map(), r.client())),
          () -> finished(mapName, read.map(), removals, node, read.records().size(), started));
      reports.put(mapName, report);
      report.pump();
      return null;
    });
  }

  /** Removes {@code client}'s record from a dead member's map; a removal that does not land is only logged (see the class comment). */
  private Future<Void> remove(IMap<String, String> map, String client) {
    return IdempotentWrites.run(host.context(), () -> map.removeAsync(client)).onFailure(e -> LOG.warn(
        "event=webhook_dead_member_record_not_removed map={} client={} error=\"{}\"", map.getName(), client, e.getMessage()));
  }

  private void finished(String mapName, IMap<String, String> map, List<Future<Void>> removals, String node, int sessions,
      long started) {
    if (sessions > 0) {
      LOG.info("event=webhook_dead_member_reported node={} sessions={} took_ms={}", node, sessions, System.currentTimeMillis() - started);
    }
    // A failed removal was logged; destroying the map removes its record all the same.
    Future.join(removals).transform(done -> host.vertx().executeBlocking(() -> {
      map.destroy();
      return null;
    })).onComplete(ar -> {
      reports.remove(mapName);
      reported.add(mapName);
      if (ar.failed()) LOG.warn("event=webhook_dead_member_cleanup_failed map={} error=\"{}\"", mapName, ar.cause().getMessage());
    });
  }

  private record Read(IMap<String, String> map, List<SessionRecord> records, List<String> unreadable) {}
}
