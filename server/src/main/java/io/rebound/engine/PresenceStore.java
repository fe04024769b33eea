package io.rebound.engine;

import io.rebound.core.ClientInfo;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Who is subscribed to a channel right now (for channels whose namespace enables {@code presence}).
 * The memory store covers one node; a clustered store makes the answer cluster-wide.
 */
public interface PresenceStore {

  Future<Void> add(String channel, ClientInfo info);

  Future<Void> remove(String channel, String clientId);

  /** Client id → info of every subscriber of {@code channel}. */
  Future<Map<String, ClientInfo>> get(String channel);

  /** Distinct clients and users subscribed to {@code channel}. */
  Future<PresenceStats> stats(String channel);

  record PresenceStats(int numClients, int numUsers) {}
}
