package io.rebound.edge.http;

import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.ForgedMessages;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /emulation}: the client-to-server half of an emulated connection ({@code http_stream},
 * {@code sse}). The body names the session and node the connect reply gave; the commands go to that
 * session's stream on this node, or — the balancer is not sticky — over the clustered event bus to
 * the node that holds it ({@link Addresses#EMULATION_PREFIX} + its id), which delivers them there.
 * That address is cluster-wide, so forwarded requests are sealed with the cluster secret ({@link
 * ClusterSigner#seal}) and a node delivers only those it can open: a process that reaches the event bus
 * without the secret cannot put commands into a session (README, "Trust model").
 *
 * <p>Answers 204 once the commands were handed to the session (their replies travel on the stream),
 * 404 when no node or session by those ids is known, 400 for a malformed body, 413 above {@code
 * emulation_max_request_body_size}, 503 when the holding node does not answer in time. Commands
 * larger than {@code websocket_message_size_limit} close the session with 1009, as on a WebSocket.
 * One instance per edge; runs on the edge's loop.
 */
final class EmulationEndpoint {

  static final String PATH = "/emulation";
  private static final Logger LOG = LoggerFactory.getLogger(EmulationEndpoint.class);
  /** The failure code of a forwarded request that is not sealed by this cluster (or too old): nothing was delivered. */
  static final int REFUSED = 403;
  private static final DeliveryOptions FORWARD = new DeliveryOptions().setSendTimeout(5_000);

  private final Vertx vertx;
  private final EmulationRoutes routes;
  private final BrokerMetrics metrics;
  private final int maxBody;
  private final int messageSizeLimit;
  private final ClusterSigner signer;

  EmulationEndpoint(Vertx vertx, EmulationRoutes routes, BrokerMetrics metrics, int maxBody, int messageSizeLimit, ClusterSigner signer) {
    this.signer = signer;
    this.vertx = vertx;
    this.routes = routes;
    this.metrics = metrics;
    this.maxBody = maxBody;
    this.messageSizeLimit = messageSizeLimit;
  }

  /** This node's door for requests forwarded by other nodes (every edge registers one; any of them can deliver). */
  MessageConsumer<Object> listen() {
    return vertx.eventBus().consumer(Addresses.EMULATION_PREFIX + routes.nodeId(), this::onForwarded);
  }

  void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.OPTIONS) {
      Responses.preflight(request);
      return;
    }
    if (request.method() != HttpMethod.POST) {
      Responses.status(request, 405);
      return;
    }
    boolean protobuf = Responses.isOctetStream(request);
    BoundedBody.read(request, maxBody, body -> {
      EmulationRequest r = EmulationRequest.parse(body, protobuf);
      if (r == null) {
        LOG.debug("event=emulation_malformed remote={}", request.remoteAddress());
        Responses.status(request, 400);
        return;
      }
      boolean oversized = r.dataBytes() > messageSizeLimit;
      if (r.node() == null || r.node().isEmpty() || r.node().equals(routes.nodeId())) {
        metrics.emulationRequest("local");
        Responses.status(request, deliver(r.session(), oversized ? null : r.data()) ? 204 : 404);
        return;
      }
      metrics.emulationRequest("forwarded");
      forward(request, r, oversized);
    });
  }

  /** Hands a frame (or, for null, the news that it was too big) to the session's stream on this node; false when none. */
  private boolean deliver(String session, Object frame) {
    ResponseStream stream = routes.stream(session);
    if (stream == null) return false;
    return frame == null ? stream.deliverOversized() : stream.deliver(frame);
  }

  private void forward(HttpServerRequest request, EmulationRequest r, boolean oversized) {
    JsonObject message = new JsonObject().put("session", r.session());
    if (oversized) message.put("oversized", true);
    else if (r.data() instanceof String text) message.put("text", text);
    else message.put("binary", (Buffer) r.data());
    vertx.eventBus().<Boolean>request(Addresses.EMULATION_PREFIX + r.node(), signer.seal(message, System.currentTimeMillis()), FORWARD).onComplete(ar -> {
      if (ar.succeeded()) {
        Responses.status(request, Boolean.TRUE.equals(ar.result().body()) ? 204 : 404);
      } else if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
        Responses.status(request, 404); // no such node (gone, or not in this cluster)
      } else {
        LOG.info("event=emulation_forward_failed node={} error=\"{}\"", r.node(), ar.cause().toString());
        Responses.status(request, 503);
      }
    });
  }

  private void onForwarded(Message<Object> message) {
    JsonObject m = signer.open(message.body(), System.currentTimeMillis());
    if (m == null) {
      ForgedMessages.EMULATION.refused();
      message.fail(REFUSED, "not signed by this cluster");
      return;
    }
    metrics.emulationRequest("received");
    Object frame = m.getBoolean("oversized", false) ? null : m.containsKey("text") ? m.getString("text") : m.getBuffer("binary");
    message.reply(deliver(m.getString("session"), frame));
  }
}
