package io.rebound.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.bus.LocalCodec;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The {@link ApiService}'s doors on the event bus, on this verticle's one event loop (deploy one
 * instance: a second would take turns with it on the same addresses, and a client's publishes,
 * sent in order, could then reach the service out of order). The HTTP API does not come through
 * here: it calls the (thread-safe) service on its connection's loop.
 *
 * <ul>
 *   <li>{@link Addresses#API_LOCAL}: {@link ApiRequest} → {@link ApiReply}, node-local objects, for
 *       this node's edges (client publishes) and its HTTP API;
 *   <li>{@link Addresses#API}: cluster-visible, for JVM backends, Vert.x JSON {@code {method, params}}
 *       with the API key in the {@link Addresses#API_KEY_HEADER} header (anything on the cluster
 *       network can reach this door, so it asks what the HTTP API asks; without {@code api_insecure}
 *       a request without the key is answered 101 "unauthorized" and not executed)
 *       → {@code {"result":…}} or {@code {"error":{code,message}}}, the same envelope as HTTP. JSON
 *       crosses this door once each way: the params are decoded from their text (keeping {@code
 *       data} as raw text, like HTTP), the answer is the envelope's encoding.
 * </ul>
 *
 * <p>Every request gets an answer, whatever its body: a malformed one is 107, never a timeout.
 */
public final class ApiVerticle extends VerticleBase {

  private final ApiService service;
  private final ApiKeyCheck keys;

  public ApiVerticle(ApiService service, BrokerConfig config) {
    this.service = service;
    this.keys = new ApiKeyCheck(config.apiKey(), config.apiInsecure());
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, ApiRequest.class);
    LocalCodec.register(vertx, ApiReply.class);
    service.start();
    vertx.eventBus().<ApiRequest>localConsumer(Addresses.API_LOCAL, msg -> service.call(msg.body()).onComplete(ar -> {
      if (ar.succeeded()) msg.reply(ApiReply.ok(ar.result()));
      else msg.reply(ApiReply.failed(Errors.toProtocol(ar.cause())));
    }));
    return vertx.eventBus().<Object>consumer(Addresses.API, this::door).completion();
  }

  private void door(Message<Object> msg) {
    if (!keys.accepts(msg.headers().get(Addresses.API_KEY_HEADER))) {
      msg.reply(toBus(ApiReplies.error(ErrorCode.UNAUTHORIZED.exception())));
      return;
    }
    ApiRequest request;
    try {
      request = decode(msg.body());
    } catch (ProtocolException e) {
      msg.reply(toBus(ApiReplies.error(e)));
      return;
    }
    service.call(request).onComplete(ar -> msg.reply(toBus(ar.succeeded()
        ? ApiReplies.wrap("result", ar.result())
        : ApiReplies.error(Errors.toProtocol(ar.cause())))));
  }

  /** {@code {method, params}} as an {@link ApiRequest}; 107 for anything else. */
  static ApiRequest decode(Object body) {
    if (!(body instanceof JsonObject json)) throw ErrorCode.BAD_REQUEST.exception("body must be a JSON object {method, params}");
    String method = json.getString("method");
    if (method == null) throw ErrorCode.BAD_REQUEST.exception("method required");
    CommandDecoder.Params params;
    try {
      params = CommandDecoder.decodeParams(json.getJsonObject("params", new JsonObject()).encode());
    } catch (RuntimeException e) {
      throw ErrorCode.BAD_REQUEST.exception("params must be an object");
    }
    return new ApiRequest(method, params.params(), params.data(), null);
  }

  private static JsonObject toBus(ObjectNode envelope) {
    return new JsonObject(Replies.encode(envelope));
  }
}
