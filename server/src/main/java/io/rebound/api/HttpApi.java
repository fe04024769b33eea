package io.rebound.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.Addresses;
import io.rebound.bus.ApiRequest;
import io.rebound.bus.Errors;
import io.rebound.codec.CommandDecoder;
import io.rebound.codec.Replies;
import io.rebound.config.BrokerConfig;
import io.rebound.core.LogSafe;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP routes on the node's one port besides the WebSocket: {@code POST /api/<method>} (and the
 * legacy newline-delimited {@code POST /api} used by cent.js pipelines), {@code GET /health},
 * {@code GET /metrics}. Every non-200 answer has a JSON body, because cent.js parses every body.
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Largest API request body accepted (413 above). */
  public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;
  /** Kubernetes probe paths (k8s/statefulset.yaml points at these; K8sManifestsIT checks it). */
  public static final String READY_PATH = "/health/ready";
  public static final String LIVE_PATH = "/health/live";

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final BrokerConfig config;
  private final ApiService api;
  private final Set<String> methods;
  private final Supplier<String> metrics;
  private final Supplier<Future<JsonNode>> health;
  private final Supplier<Future<Boolean>> ready;

  /**
   * @param api called directly on the connection's event loop (it is thread-safe); its method names
   *     ({@link ApiService#methods()}) are the routes: {@code POST /api/<other>} is 404 before its
   *     body is read, as with Centrifugo's per-method routes
   */
  public HttpApi(BrokerConfig config, ApiService api, Supplier<String> metrics, Supplier<Future<JsonNode>> health, Supplier<Future<Boolean>> ready) {
    this.config = config;
    this.api = api;
    this.methods = Set.copyOf(api.methods());
    this.metrics = metrics;
    this.health = health;
    this.ready = ready;
  }

  /**
   * The routes. A well-formed, authorized {@code POST /api/<method>} with a {@code Content-Length}
   * within {@link #MAX_BODY_BYTES} — every publish a backend sends — is answered without the router
   * ({@link #direct}); everything else, errors included, goes through it.
   */
  public Handler<HttpServerRequest> router(Vertx vertx) {
    Router router = routes(vertx);
    return request -> {
      if (!direct(request)) router.handle(request);
    };
  }

  private Router routes(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route("/api*").handler(rc -> {
      if (rc.request().method() != HttpMethod.POST) {
        fail(rc, 405, ErrorCode.BAD_REQUEST.code, "method not allowed: use POST");
      } else if (!authorized(rc)) {
        fail(rc, 401, ErrorCode.UNAUTHORIZED.code, "unauthorized: wrong or missing API key");
      } else {
        rc.next();
      }
    });
    router.post("/api*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/api").handler(this::legacy);
    router.post("/api/:method").handler(this::method);
    router.get("/health").handler(rc -> health.get().onComplete(ar -> {
      if (ar.succeeded()) json(rc, 200, ar.result());
      else fail(rc, 503, ErrorCode.INTERNAL.code, String.valueOf(ar.cause().getMessage()));
    }));
    // Kubernetes probes: liveness answers as long as an event loop does; readiness says whether to route clients here.
    router.get(LIVE_PATH).handler(rc -> json(rc, 200, Replies.object().put("status", "ok")));
    router.get(READY_PATH).handler(rc -> ready.get().onComplete(ar -> {
      boolean ok = ar.succeeded() && ar.result();
      json(rc, ok ? 200 : 503, Replies.object().put("status", ok ? "ready" : "not ready"));
    }));
    router.get("/metrics").handler(rc -> rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.get()));
    router.route().last().handler(rc -> fail(rc, 404, 404, "not found"));
    router.errorHandler(413, rc -> fail(rc, 413, ErrorCode.BAD_REQUEST.code, "request body too large"));
    router.errorHandler(500, rc -> {
      LOG.error("event=http_failure path={}", LogSafe.value(rc.request().path()), rc.failure());
      fail(rc, 500, ErrorCode.INTERNAL.code, "internal server error");
    });
    return router;
  }

  /**
   * Answers {@code request} when it is the common case the router would pass straight to {@link
   * #method} — POST, a path that is exactly {@code /api/<known method>}, the API key, a declared
   * length within the limit — and returns true; false (nothing read or answered) for anything else.
   * The router costs more than the rest of a publish on this path: a routing context, route
   * matching, the body handler's buffering.
   */
  private boolean direct(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) return false;
    String path = request.path();
    if (path == null || !path.startsWith("/api/")) return false;
    String method = path.substring(5);
    if (!methods.contains(method)) return false;
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || length.isEmpty() || length.length() > 9 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) return false;
    if (Long.parseLong(length) > MAX_BODY_BYTES || !authorized(request)) return false;
    request.body().onSuccess(body -> {
      try {
        answer(method, body.toString(StandardCharsets.UTF_8), request);
      } catch (RuntimeException e) {
        LOG.error("event=http_failure path={}", LogSafe.value(path), e);
        fail(request.response(), 500, ErrorCode.INTERNAL.code, "internal server error");
      }
    });
    return true;
  }

  private boolean authorized(RoutingContext rc) {
    return authorized(rc.request());
  }

  private boolean authorized(HttpServerRequest request) {
    if (config.apiInsecure()) return true;
    String key = request.getHeader("X-API-Key");
    if (key == null) {
      String auth = request.getHeader("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "apikey ", 0, 7)) key = auth.substring(7).trim();
    }
    if (key == null) key = request.getParam("api_key");
    return key != null && !config.apiKey().isEmpty()
        && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), config.apiKey().getBytes(StandardCharsets.UTF_8));
  }

  private void method(RoutingContext rc) {
    String method = rc.pathParam("method");
    if (!methods.contains(method)) {
      fail(rc, 404, ErrorCode.METHOD_NOT_FOUND.code, "unknown API method: " + method);
      return;
    }
    answer(method, bodyText(rc), rc.request());
  }

  /** Runs {@code method} with {@code body} (its params) and answers: 200 with the envelope, 400 for a malformed body. */
  private void answer(String method, String body, HttpServerRequest request) {
    if (body.isEmpty()) body = "{}";
    CommandDecoder.Params params;
    try {
      params = CommandDecoder.decodeParams(body);
    } catch (CommandDecoder.MalformedCommandException e) {
      LOG.info("event=bad_api_request method={} remote={} reason={}", LogSafe.value(method), request.remoteAddress(), LogSafe.value(e.getMessage()));
      fail(request.response(), 400, ErrorCode.BAD_REQUEST.code, e.getMessage());
      return;
    }
    call(new ApiRequest(method, params.params(), params.data(), null)).onComplete(ar -> json(request.response(), 200, ar.result()));
  }

  /**
   * cent.js pipeline: newline-delimited {@code {"method","params"}} lines, run one after another,
   * answered with one line each, separated by newlines and with none after the last (cent.js parses
   * every piece of {@code split('\n')}). Every line is parsed before the first runs: a malformed
   * line, or more than {@code api_batch_max_size} lines, refuses the whole request with nothing applied.
   */
  private void legacy(RoutingContext rc) {
    List<LegacyLine> lines = new ArrayList<>();
    for (String line : bodyText(rc).split("\n")) {
      if (line.isBlank()) continue;
      JsonNode cmd;
      try {
        cmd = Replies.JSON.readTree(line);
      } catch (Exception e) {
        cmd = null;
      }
      if (cmd == null || !cmd.isObject()) {
        fail(rc, 400, ErrorCode.BAD_REQUEST.code, "malformed JSON line " + (lines.size() + 1) + ": nothing was applied");
        return;
      }
      JsonNode params = cmd.path("params");
      lines.add(new LegacyLine(new ApiRequest(cmd.path("method").asText(""), params.isObject() ? params : null, null, null), cmd.get("id")));
    }
    int max = config.limits().apiBatchMaxSize();
    if (lines.size() > max) {
      fail(rc, 413, ErrorCode.BAD_REQUEST.code, "pipeline too long: " + lines.size() + " lines, api_batch_max_size is " + max + ": nothing was applied");
      return;
    }
    SequentialCalls.run(lines, line -> call(line.request()).map(r -> {
      if (line.id() != null && r instanceof ObjectNode o) o.set("id", line.id());
      return r;
    })).onComplete(ar -> {
      Buffer out = Buffer.buffer();
      for (JsonNode reply : ar.result()) {
        if (out.length() > 0) out.appendString("\n");
        out.appendBuffer(Replies.encode(reply));
      }
      rc.response().putHeader("Content-Type", "application/json").end(out);
    });
  }

  /** One parsed line of a legacy pipeline, with the {@code id} its reply echoes. */
  private record LegacyLine(ApiRequest request, JsonNode id) {}

  /** The request body as text; empty when there is none (Vert.x then has no body buffer at all). */
  private static String bodyText(RoutingContext rc) {
    String text = rc.body().asString();
    return text == null ? "" : text;
  }

  /**
   * Always completes with a body: {@code {"result":…}} or {@code {"error":{code,message}}}. The
   * service runs on this connection's event loop, without an event-bus hop; it bounds what it waits
   * for (its engine calls, a hop to a channel's shard) by {@link Addresses#SEND_TIMEOUT_MS} and
   * answers their failures (100, temporary, never a hang).
   */
  private Future<JsonNode> call(ApiRequest req) {
    return api.call(req).transform(ar -> Future.succeededFuture(ar.succeeded()
        ? ApiReplies.wrap("result", ar.result())
        : ApiReplies.error(Errors.toProtocol(ar.cause()))));
  }

  private static void json(RoutingContext rc, int status, JsonNode body) {
    json(rc.response(), status, body);
  }

  private static void json(HttpServerResponse response, int status, JsonNode body) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(Replies.encode(body));
  }

  private static void fail(RoutingContext rc, int status, int code, String message) {
    fail(rc.response(), status, code, message);
  }

  private static void fail(HttpServerResponse response, int status, int code, String message) {
    if (response.ended()) return;
    json(response, status, ApiReplies.error(code, message));
  }
}
