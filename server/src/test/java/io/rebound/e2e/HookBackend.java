package io.rebound.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.testing.Await;
import io.rebound.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application backend for the proxy tests: a real Vert.x HTTP server implementing Centrifugo v5's
 * proxy hooks ({@code POST /connect}, {@code /refresh}, {@code /subscribe}, {@code /publish}, {@code
 * /sub_refresh}, {@code /rpc}) the way an application would, deciding from what the request says:
 *
 * <ul>
 *   <li>connect: the user is the connect data's {@code user}; {@code "deny": true} → error 403,
 *       {@code "disconnect": true} → disconnect 4501; {@code "garbage": n} / {@code "slow": n} → the
 *       user's first n attempts answer non-JSON / nothing within 3 s; {@code "expire": s} → {@code
 *       expire_at} s seconds ahead. The result's {@code data} echoes the user and the forwarded
 *       {@code Cookie} and {@code X-Emulated} headers; {@code meta} names the user.
 *   <li>refresh and sub_refresh: prolong by 1 s, or {@code expired} when {@link #expireOnRefresh} is set.
 *   <li>subscribe: channels containing {@code denied} → error 403; {@code expiring} → {@code expire_at}
 *       1 s ahead; otherwise granted with {@code data} naming the channel and the subscribe data.
 *   <li>publish: {@code data} replaced by {@code {"rewritten": <data>, "by": <user>}}; {@code skip_history}
 *       for channels containing {@code ephemeral}; data with {@code "bad": true} → error 422.
 *   <li>rpc: method {@code echo} → {@code {"echo": <data>, "user": <user>}}; anything else → error 418.
 * </ul>
 *
 * Every request is recorded (body and lower-cased headers) per hook. {@link #stop()} and {@link
 * #start()} take it down and bring it back on the same port.
 */
final class HookBackend implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request the backend received. */
  record Call(JsonNode body, Map<String, String> headers) {}

  private final Vertx vertx = Vertx.vertx();
  private final int port = Ports.free();
  private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  volatile boolean expireOnRefresh;
  private HttpServer server;

  static HookBackend started() {
    HookBackend b = new HookBackend();
    b.start();
    return b;
  }

  int port() {
    return port;
  }

  String url(String hook) {
    return "http://127.0.0.1:" + port + "/" + hook;
  }

  /** (Re)starts listening on its port. */
  void start() {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1"), 10);
  }

  /** Stops listening: calls are refused until {@link #start()}. */
  void stop() {
    Await.result(server.close(), 10);
  }

  List<Call> calls(String hook) {
    return List.copyOf(calls.getOrDefault(hook, List.of()));
  }

  private void handle(HttpServerRequest req) {
    String hook = req.path().substring(1);
    req.body().onSuccess(buf -> {
      JsonNode body;
      try {
        body = JSON.readTree(buf.getBytes());
      } catch (IOException e) {
        req.response().setStatusCode(400).end();
        return;
      }
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
      calls.computeIfAbsent(hook, h -> new CopyOnWriteArrayList<>()).add(new Call(body, headers));
      ObjectNode answer = JSON.createObjectNode();
      switch (hook) {
        case "connect" -> {
          JsonNode data = body.path("data");
          String user = data.path("user").asText();
          int attempt = attempts.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
          if (attempt <= data.path("slow").asInt(0)) return; // never answered: the node's timeout decides
          if (attempt <= data.path("garbage").asInt(0)) {
            req.response().putHeader("Content-Type", "application/json").end("<html>oops</html>");
            return;
          }
          if (data.path("deny").asBoolean()) {
            answer.putObject("error").put("code", 403).put("message", "who are you");
          } else if (data.path("disconnect").asBoolean()) {
            answer.putObject("disconnect").put("code", 4501).put("reason", "banned");
          } else {
            ObjectNode result = answer.putObject("result");
            result.put("user", user);
            result.putObject("info").put("name", user.toUpperCase(Locale.ROOT));
            result.putObject("meta").put("of", user);
            ObjectNode welcome = result.putObject("data").put("welcome", user);
            welcome.put("cookie", headers.getOrDefault("cookie", ""));
            welcome.put("emulated", headers.getOrDefault("x-emulated", ""));
            welcome.put("static", headers.getOrDefault("x-static", ""));
            if (data.has("expire")) result.put("expire_at", System.currentTimeMillis() / 1000 + data.path("expire").asLong());
            if (data.has("channels")) result.set("channels", data.path("channels"));
          }
        }
        case "refresh", "sub_refresh" -> {
          if (expireOnRefresh) answer.putObject("result").put("expired", true);
          else answer.putObject("result").put("expire_at", System.currentTimeMillis() / 1000 + 1);
        }
        case "subscribe" -> {
          String channel = body.path("channel").asText();
          if (channel.contains("denied")) {
            answer.putObject("error").put("code", 403).put("message", "not your channel");
          } else {
            ObjectNode result = answer.putObject("result");
            result.putObject("data").put("granted", channel).set("asked", body.path("data"));
            if (channel.contains("expiring")) result.put("expire_at", System.currentTimeMillis() / 1000 + 1);
          }
        }
        case "publish" -> {
          if (body.path("data").path("bad").asBoolean()) {
            answer.putObject("error").put("code", 422).put("message", "bad publication");
          } else {
            ObjectNode result = answer.putObject("result");
            result.putObject("data").put("by", body.path("user").asText()).set("rewritten", body.path("data"));
            if (body.path("channel").asText().contains("ephemeral")) result.put("skip_history", true);
          }
        }
        case "rpc" -> {
          if (body.path("method").asText().equals("echo")) {
            answer.putObject("result").putObject("data").put("user", body.path("user").asText()).set("echo", body.path("data"));
          } else {
            answer.putObject("error").put("code", 418).put("message", "no such method");
          }
        }
        default -> {
          req.response().setStatusCode(404).end();
          return;
        }
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.toString());
    });
  }

  @Override
  public void close() {
    Await.result(vertx.close(), 10);
  }
}
