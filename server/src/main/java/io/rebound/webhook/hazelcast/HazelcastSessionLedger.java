package io.rebound.webhook.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.rebound.hazelcast.IdempotentWrites;
import io.rebound.webhook.LedgerHost;
import io.rebound.webhook.SessionLedger;
import io.rebound.webhook.SessionRecord;
import io.vertx.core.Future;

/**
 * Session records in Hazelcast, for {@code engine: hazelcast}: each member keeps its own sessions in
 * its own map, {@code rebound.webhook.sessions.<member uuid>} (client id → {@link SessionRecord} as
 * JSON), partitioned over the cluster with a synchronous backup (cluster.xml, {@code
 * rebound.webhook.*}), so a write that completed survives the death of any one member. When a member
 * dies, {@link HazelcastDeadMembers} on the oldest survivor reports the records left in its map.
 *
 * <p>A map per member rather than one map with an owner field: finding a dead member's sessions is a
 * lookup by name, not a query over every session of the cluster.
 *
 * <p>A write whose backup confirmed late succeeds ({@link IdempotentWrites#runOnce}): the partition owner stored it,
 * and failing it would hold every webhook batch until the backup caught up. A write whose owner left fails and is not
 * sent again here: a client's record is replaced as the session changes and then removed, so a resent older write
 * could land after a newer one (a disconnect record back after its removal, reported again when this member dies);
 * {@code WebhookService} writes the client's latest record again instead.
 */
public final class HazelcastSessionLedger implements SessionLedger {

  static final String MAP_PREFIX = "rebound.webhook.sessions.";

  private final HazelcastInstance hz;
  private final String mapName;
  private IMap<String, String> own;
  private HazelcastDeadMembers watch;
  private LedgerHost host;

  public HazelcastSessionLedger(HazelcastInstance hz) {
    this.hz = hz;
    this.mapName = MAP_PREFIX + hz.getCluster().getLocalMember().getUuid();
  }

  @Override
  public Future<Void> start(LedgerHost host) {
    this.host = host;
    // Creating a map proxy may talk to other members: not on the webhook context.
    return host.vertx().executeBlocking(() -> hz.<String, String>getMap(mapName)).compose(map -> {
      own = map;
      watch = new HazelcastDeadMembers(hz, host);
      return watch.start();
    });
  }

  @Override
  public Future<Void> put(SessionRecord record) {
    return IdempotentWrites.runOnce(host.context(), own.setAsync(record.client(), record.toJson()));
  }

  @Override
  public Future<Void> delete(String client) {
    return IdempotentWrites.runOnce(host.context(), own.removeAsync(client));
  }

  @Override
  public Future<Void> stop(boolean recordsLeft) {
    if (watch != null) watch.stop();
    if (recordsLeft || own == null || !hz.getLifecycleService().isRunning()) return Future.succeededFuture();
    // Everything was delivered: nothing for the survivors to find.
    return host.vertx().executeBlocking(() -> {
      own.destroy();
      return null;
    });
  }

  @Override
  public String describe() {
    return "hazelcast map " + mapName;
  }
}
