package io.rebound.engine.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.rebound.core.ClientInfo;
import io.rebound.engine.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cluster-wide presence in a Hazelcast {@code IMap}: channel → (client id → who, and which member
 * holds the connection). Changes run as entry processors on the partition owner, so concurrent joins
 * and leaves from several nodes never lose each other. When a member leaves (or dies) the survivors
 * purge its clients, so presence does not keep ghosts of a crashed node.
 */
public final class HazelcastPresence implements PresenceStore {

  public static final String MAP_NAME = "rebound.presence";
  private static final String SEP = "\u0000";

  private final IMap<String, HashMap<String, String>> map;
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
        map.executeOnEntries(new PurgeMember(event.getMember().getUuid().toString()));
      }
    });
  }

  @Override
  public Future<Void> add(String channel, ClientInfo info) {
    String encoded = String.join(SEP, member, info.user(), info.client(), nullable(info.connInfo()), nullable(info.chanInfo()));
    return Future.fromCompletionStage(map.submitToKey(channel, new Add(info.client(), encoded)), vertx.getOrCreateContext()).mapEmpty();
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    return Future.fromCompletionStage(map.submitToKey(channel, new Remove(clientId)), vertx.getOrCreateContext()).mapEmpty();
  }

  @Override
  public Future<Map<String, ClientInfo>> get(String channel) {
    return Future.fromCompletionStage(map.getAsync(channel), vertx.getOrCreateContext()).map(members -> {
      Map<String, ClientInfo> out = new LinkedHashMap<>();
      if (members != null) members.forEach((client, encoded) -> out.put(client, decode(encoded)));
      return out;
    });
  }

  @Override
  public Future<PresenceStats> stats(String channel) {
    return get(channel).map(members -> {
      Set<String> users = new HashSet<>();
      members.values().forEach(i -> users.add(i.user()));
      return new PresenceStats(members.size(), users.size());
    });
  }

  /** Stops listening for member changes; the map stays (it is the cluster's). */
  public void close() {
    if (hz.getLifecycleService().isRunning()) hz.getCluster().removeMembershipListener(listener);
  }

  private static ClientInfo decode(String encoded) {
    String[] p = encoded.split(SEP, -1);
    return new ClientInfo(p[1], p[2], p[3].isEmpty() ? null : p[3], p[4].isEmpty() ? null : p[4]);
  }

  private static String nullable(String s) {
    return s == null ? "" : s;
  }

  private record Add(String client, String encoded) implements EntryProcessor<String, HashMap<String, String>, Void>, Serializable {
    @Override
    public Void process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> members = entry.getValue() == null ? new HashMap<>() : entry.getValue();
      members.put(client, encoded);
      entry.setValue(members);
      return null;
    }
  }

  private record Remove(String client) implements EntryProcessor<String, HashMap<String, String>, Void>, Serializable {
    @Override
    public Void process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> members = entry.getValue();
      if (members == null || members.remove(client) == null) return null;
      entry.setValue(members.isEmpty() ? null : members);
      return null;
    }
  }

  private record PurgeMember(String member) implements EntryProcessor<String, HashMap<String, String>, Void>, Serializable {
    @Override
    public Void process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> members = entry.getValue();
      if (members == null) return null;
      if (members.values().removeIf(encoded -> encoded.startsWith(member + SEP))) entry.setValue(members.isEmpty() ? null : members);
      return null;
    }
  }
}
