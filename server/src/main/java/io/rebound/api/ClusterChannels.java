package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.ForgedMessages;
import io.rebound.codec.Replies;
import io.rebound.core.LogSafe;
import io.rebound.core.NodeStats;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code channels} API across the cluster, asked on demand: no node shares its channel list
 * until someone asks. Each node answers on its own address ({@link #ADDRESS_PREFIX} + the uid under
 * which its summary is in the shared node map, see {@link ClusterStats}); the asking node sends the
 * {@code pattern} to every node in that map, each filters its own channels and answers only the
 * matching ones ({@link ChannelCounts}, bounded), and the asker sums them.
 *
 * <p>As Centrifugo's {@code channels} (a survey of every node): the call fails with 100 when a
 * listed node does not answer within the timeout ({@link Addresses#SEND_TIMEOUT_MS}, Centrifugo's
 * survey timeout is also 10 s) — an answer that silently leaves out a node's channels would look
 * complete. A listed node with no consumer left (it has shut down or died and the cluster has noticed;
 * its map entry lingers for up to the TTL) is skipped.
 *
 * <p>The address is cluster-wide, so requests are sealed with the cluster secret ({@link
 * ClusterSigner#seal}) and a node answers only those it can open: a process on the cluster network
 * without the secret learns nothing about the node's channels (README, "Trust model"). Filtering,
 * encoding and summing walk the channel lists, so they run on worker threads, never an event loop.
 * Thread-safe.
 */
final class ClusterChannels {

  /** Prefix of one node's channels door; followed by its uid. Cluster-visible. */
  static final String ADDRESS_PREFIX = "rebound.stats.channels.";
  /** The failure code of a request that is not sealed by this cluster (or too old): nothing was answered. */
  static final int REFUSED = 403;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterChannels.class);

  private final Vertx vertx;
  private final ClusterSigner signer;
  private final Supplier<Future<NodeStats>> nodeStats;
  private final String uid;
  private final DeliveryOptions request;

  ClusterChannels(Vertx vertx, ClusterSigner signer, Supplier<Future<NodeStats>> nodeStats, String uid, long timeoutMs) {
    this.vertx = vertx;
    this.signer = signer;
    this.nodeStats = nodeStats;
    this.uid = uid;
    this.request = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  static String addressOf(String uid) {
    return ADDRESS_PREFIX + uid;
  }

  /** This node's door for the other nodes' requests; registered cluster-wide when its completion succeeds. */
  MessageConsumer<Object> listen() {
    return vertx.eventBus().consumer(addressOf(uid), this::onRequest);
  }

  /**
   * Channel → subscribers summed over this node and every node of {@code others} (uid → that node's
   * shared summary), as the {@code channels} result, sorted by name; {@code pattern} ("" = all) must
   * be valid ({@link NodeMethods#glob}).
   */
  Future<JsonNode> channels(String pattern, Map<String, JsonObject> others) {
    Glob filter = NodeMethods.glob(pattern);
    List<Future<Buffer>> answers = new ArrayList<>();
    answers.add(answer(filter));
    List<JsonObject> legacy = new ArrayList<>();
    others.forEach((id, summary) -> {
      if (id.equals(uid)) return; // this node answered itself, above
      // A node of an older version shares its whole list in its summary and has no door: read it there.
      JsonObject shared = summary.getJsonObject("channels");
      if (shared != null) legacy.add(shared);
      else answers.add(ask(id, summary.getString("name", "?"), pattern));
    });
    return Future.all(answers).compose(all -> vertx.executeBlocking(() -> result(answers, legacy, filter), false));
  }

  private static JsonNode result(List<Future<Buffer>> answers, List<JsonObject> legacy, Glob filter) {
    Map<String, Integer> sum = new HashMap<>();
    for (Future<Buffer> a : answers) if (a.result() != null) ChannelCounts.mergeInto(sum, a.result());
    for (JsonObject old : legacy) {
      old.forEach(e -> {
        if (filter == null || filter.matches(e.getKey())) sum.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum);
      });
    }
    ObjectNode result = Replies.object();
    ObjectNode out = result.putObject("channels");
    new TreeMap<>(sum).forEach((channel, n) -> out.putObject(channel).put("num_clients", n));
    return result;
  }

  /** This node's matching channels, encoded (null for a node that has left the cluster). */
  private Future<Buffer> ask(String node, String name, String pattern) {
    JsonObject sealed = signer.seal(new JsonObject().put("pattern", pattern), System.currentTimeMillis());
    return vertx.eventBus().<Buffer>request(addressOf(node), sealed, request).map(Message::body).recover(e -> {
      if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) return Future.succeededFuture(null);
      if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) return Future.failedFuture(e);
      LOG.warn("event=channels_node_unanswered node={} uid={} error=\"{}\"", LogSafe.value(name), node, e.toString());
      return Future.failedFuture(ErrorCode.INTERNAL.exception("node " + name + " did not answer"));
    });
  }

  /** This node's channels that {@code filter} matches, encoded off the event loop. */
  private Future<Buffer> answer(Glob filter) {
    return nodeStats.get().compose(s -> vertx.executeBlocking(() -> ChannelCounts.encode(s.channels(), filter, ChannelCounts.MAX_REPLY_BYTES), false));
  }

  private void onRequest(Message<Object> message) {
    JsonObject request = signer.open(message.body(), System.currentTimeMillis());
    if (request == null) {
      ForgedMessages.STATS.refused();
      message.fail(REFUSED, "not signed by this cluster");
      return;
    }
    Future<Buffer> answer;
    try {
      answer = answer(NodeMethods.glob(request.getString("pattern", "")));
    } catch (ProtocolException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) message.reply(ar.result());
      else if (ar.cause() instanceof ProtocolException e) message.fail(e.code(), e.getMessage());
      else message.fail(ErrorCode.INTERNAL.code, ar.cause().toString());
    });
  }
}
