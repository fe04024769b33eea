package io.rebound.engine.memory;

import io.rebound.engine.PresenceStore;

import io.rebound.core.ClientInfo;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Presence of this node's connections, shared by its edges (thread-safe). */
public final class MemoryPresence implements PresenceStore {

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ClientInfo>> channels = new ConcurrentHashMap<>();

  @Override
  public Future<Void> add(String channel, ClientInfo info) {
    channels.computeIfAbsent(channel, c -> new ConcurrentHashMap<>()).put(info.client(), info);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    channels.computeIfPresent(channel, (c, members) -> {
      members.remove(clientId);
      return members.isEmpty() ? null : members;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<String, ClientInfo>> get(String channel) {
    Map<String, ClientInfo> members = channels.get(channel);
    return Future.succeededFuture(members == null ? Map.of() : Map.copyOf(members));
  }

  @Override
  public Future<PresenceStats> stats(String channel) {
    Map<String, ClientInfo> members = channels.get(channel);
    if (members == null) return Future.succeededFuture(new PresenceStats(0, 0));
    Set<String> users = new HashSet<>();
    for (ClientInfo info : members.values()) users.add(info.user());
    return Future.succeededFuture(new PresenceStats(members.size(), users.size()));
  }
}
