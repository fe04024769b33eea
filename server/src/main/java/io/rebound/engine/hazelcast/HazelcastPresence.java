package io.rebound.engine.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.rebound.core.ClientInfo;
import io.rebound.engine.ClientInfoCodec;
import io.rebound.engine.PresenceStore;
import io.rebound.hazelcast.IdempotentWrites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cluster-wide presence in a Hazelcast {@code IMap}: channel → {@link StoredPresence} (client id →
 * who, and which member holds the connection). Changes are {@link PresenceProcessor}s on the partition
 * owner, so concurrent joins and leaves from several nodes never lose each other. When a member leaves
 * (or dies) the survivors purge its clients, so presence does not keep ghosts of a crashed node; a
 * crashed member is noticed within Hazelcast's failure detection ({@code max.no.heartbeat.seconds}).
 * Joins and leaves are {@link IdempotentWrites}: a backup that confirms late does not fail them.
 *
 * <p>Only async Hazelcast calls on the caller's thread; the purge runs on a Hazelcast event thread.
 */
public final class HazelcastPresence implements PresenceStore {

  public static final String MAP_NAME = "rebound.presence.members";

  private final IMap<String, StoredPresence> map;
  private final Vertx vertx;
  private final String member;
  private final UUID listener;
  private final HazelcastInstance hz;

  public HazelcastPresence(HazelcastInstance hz, Vertx vertx) {
    this.hz = hz;
    this.vertx = vertx;
    this.map = hz.getMap(MAP_NAME);
    this.member = hz.getCluster().getLocalMember().getUuid().toString();
    this.listener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        // Runs on a Hazelcast event thread, never an event loop; idempotent if every survivor runs it.
        map.executeOnEntries(PresenceProcessor.purgeMember(event.getMember().getUuid().toString()));
      }
    });
  }

  @Override
  public Future<Void> add(String channel, ClientInfo info) {
    PresenceProcessor add = PresenceProcessor.add(info.client(), member, ClientInfoCodec.encode(info));
    return IdempotentWrites.run(vertx.getOrCreateContext(), () -> map.submitToKey(channel, add));
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    PresenceProcessor remove = PresenceProcessor.remove(clientId);
    return IdempotentWrites.run(vertx.getOrCreateContext(), () -> map.submitToKey(channel, remove));
  }

  @Override
  public Future<Map<String, ClientInfo>> get(String channel) {
    return Future.fromCompletionStage(map.getAsync(channel), vertx.getOrCreateContext())
        .map(stored -> stored == null ? Map.<String, ClientInfo>of() : stored.decode());
  }

  @Override
  public Future<PresenceStats> stats(String channel) {
    return get(channel).map(members -> {
      Set<String> users = new HashSet<>();
      members.values().forEach(i -> users.add(i.user()));
      return new PresenceStats(members.size(), users.size());
    });
  }

  /** Stops listening for member changes; the map stays (it is the cluster's), this node's members go when it leaves. */
  @Override
  public Future<Void> close() {
    if (hz.getLifecycleService().isRunning()) hz.getCluster().removeMembershipListener(listener);
    return Future.succeededFuture();
  }
}
