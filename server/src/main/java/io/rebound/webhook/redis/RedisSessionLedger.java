package io.rebound.webhook.redis;

import io.rebound.config.RedisOptions;
import io.rebound.webhook.LedgerHost;
import io.rebound.webhook.SessionLedger;
import io.rebound.webhook.SessionRecord;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session records in Redis, for {@code engine: redis}: each node keeps its sessions in its own hash
 * and proves it is alive with a heartbeat key that expires after {@code webhook_node_ttl}, refreshed
 * every third of it ({@link RedisWebhookKeys}). {@link RedisDeadNodes}, on every node, reports the
 * hash of a node whose heartbeat expired, the one node that wins the claim doing it.
 *
 * <p>The node id is a fresh UUID per start, not the node's name: a node restarted under the same name
 * within the TTL must not adopt the records of its previous life (their disconnects are owed).
 *
 * <p>Writes go over one connection ({@link RedisWebhookLink}) in order. After a reconnect every record
 * this node holds is written again (Redis may have restarted empty).
 */
public final class RedisSessionLedger implements SessionLedger {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionLedger.class);

  /** Sets the heartbeat; answers whether it was still there (0: it had expired, survivors may have taken this node for dead). */
  private static final String HEARTBEAT = """
      local alive = redis.call('exists', KEYS[1])
      redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return alive
      """;

  private final RedisOptions redis;
  private final Duration ttl;
  private final RedisWebhookKeys keys = RedisWebhookKeys.DEFAULT;
  private final String id = UUID.randomUUID().toString();
  private LedgerHost host;
  private RedisWebhookLink link;
  private RedisDeadNodes watch;
  private long heartbeatTimer = -1;
  private boolean beating; // a heartbeat has been written since start

  /** @param ttl {@code webhook_node_ttl} */
  public RedisSessionLedger(RedisOptions redis, Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  @Override
  public Future<Void> start(LedgerHost host) {
    this.host = host;
    link = new RedisWebhookLink(host.vertx(), redis, this::reconnected);
    watch = new RedisDeadNodes(link, keys, id, ttl, host);
    return link.start().compose(v -> heartbeat()).onSuccess(v -> {
      heartbeatTimer = host.vertx().setPeriodic(Math.max(100, ttl.toMillis() / 3), t -> heartbeat());
      watch.start();
    });
  }

  private void reconnected() {
    heartbeat();
    host.rewriteAll();
    watch.reconnected();
  }

  private Future<Void> heartbeat() {
    Future<Void> beat = link.send(Request.cmd(Command.EVAL).arg(HEARTBEAT).arg(1).arg(keys.alive(id)).arg(host.nodeName()).arg(ttl.toMillis()))
        .map(alive -> {
          if (beating && alive != null && alive.toInteger() == 0) lapsed();
          beating = true;
          return null;
        });
    link.send(Request.cmd(Command.SADD).arg(keys.nodes()).arg(id));
    return beat;
  }

  /**
   * This node's heartbeat expired while it was alive (cut off from Redis, or paused, for longer than
   * the TTL): a survivor may have reported its sessions as lost and deleted their records. The
   * records are written again so that a later death is still reported; the backend has heard "node
   * lost" for sessions that in fact go on (and will ignore their real disconnect: same id).
   */
  private void lapsed() {
    LOG.error("event=webhook_heartbeat_lapsed node={} id={} ttl_ms={}: this node was silent in Redis for longer than webhook_node_ttl; "
        + "a survivor may have reported its sessions as disconnected (reason \"node lost\") although they are still connected",
        host.nodeName(), id, ttl.toMillis());
    host.rewriteAll();
  }

  @Override
  public Future<Void> put(SessionRecord record) {
    return link.send(Request.cmd(Command.HSET).arg(keys.sessions(id)).arg(record.client()).arg(record.toJson())).mapEmpty();
  }

  @Override
  public Future<Void> delete(String client) {
    return link.send(Request.cmd(Command.HDEL).arg(keys.sessions(id)).arg(client)).mapEmpty();
  }

  @Override
  public Future<Void> stop(boolean recordsLeft) {
    if (heartbeatTimer >= 0) host.vertx().cancelTimer(heartbeatTimer);
    if (watch != null) watch.stop();
    if (link == null) return Future.succeededFuture();
    // Without the heartbeat a survivor reports what is left at its next scan, not a TTL later.
    Future<?> done = link.send(Request.cmd(Command.DEL).arg(keys.alive(id)));
    if (!recordsLeft) {
      done = Future.join(done, link.send(Request.cmd(Command.DEL).arg(keys.sessions(id))),
          link.send(Request.cmd(Command.SREM).arg(keys.nodes()).arg(id)));
    }
    return done.transform(ar -> link.close());
  }

  @Override
  public String describe() {
    return "redis hash " + keys.sessions(id) + " at " + (link == null ? RedisWebhookLink.withoutCredentials(redis.address()) : link.address())
        + ", heartbeat ttl " + ttl.toMillis() + " ms";
  }
}
