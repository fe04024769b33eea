package io.rebound.api;

import io.rebound.bus.ApiReply;
import io.rebound.bus.ApiRequest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.LocalCodec;
import io.rebound.codec.CommandDecoder;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's door on the event bus: {@link Addresses#API} (cluster-visible, JSON {@code {method,
 * params}} → {@code {result}} | {@code {error}}) for JVM backends, and {@link Addresses#API_LOCAL}
 * ({@link ApiRequest} → {@link ApiReply}) for this node's edges and HTTP API.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  private final Function<io.vertx.core.Vertx, ApiService> serviceFactory;
  private ApiService service;

  public ApiVerticle(Function<io.vertx.core.Vertx, ApiService> serviceFactory) {
    this.serviceFactory = serviceFactory;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, ApiRequest.class);
    LocalCodec.register(vertx, ApiReply.class);
    service = serviceFactory.apply(vertx);
    service.start();
    vertx.eventBus().<ApiRequest>localConsumer(Addresses.API_LOCAL, msg -> service.call(msg.body()).onComplete(ar -> {
      if (ar.succeeded()) msg.reply(ApiReply.ok(ar.result()));
      else msg.reply(ApiReply.failed(asProtocol(ar.cause())));
    }));
    return vertx.eventBus().<JsonObject>consumer(Addresses.API, msg -> {
      JsonObject body = msg.body();
      String method = body == null ? null : body.getString("method");
      if (method == null) {
        msg.reply(error(ErrorCode.BAD_REQUEST.exception("method required")));
        return;
      }
      CommandDecoder.Params params;
      try {
        JsonObject p = body.getJsonObject("params", new JsonObject());
        params = CommandDecoder.decodeParams(p.encode());
      } catch (RuntimeException e) {
        msg.reply(error(ErrorCode.BAD_REQUEST.exception("params must be an object")));
        return;
      }
      service.call(new ApiRequest(method, params.params(), params.rawData(), null)).onComplete(ar -> {
        if (ar.succeeded()) msg.reply(new JsonObject().put("result", new JsonObject(ar.result().toString())));
        else msg.reply(error(asProtocol(ar.cause())));
      });
    }).completion();
  }

  private static ProtocolException asProtocol(Throwable t) {
    if (t instanceof ProtocolException pe) return pe;
    LOG.error("internal API error", t);
    return ErrorCode.INTERNAL.exception();
  }

  private static JsonObject error(ProtocolException e) {
    return new JsonObject().put("error", new JsonObject().put("code", e.code()).put("message", e.getMessage()));
  }

}
