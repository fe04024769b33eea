package io.rebound.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.bus.Errors;
import io.rebound.protocol.ErrorCode;
import io.rebound.protocol.ProtocolException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin page's HTTP routes: {@code GET /} (the page), {@code GET /admin/app.js|app.css}, {@code
 * POST /admin/login} ({@code {password}} → {@code {token, expires_at}}; 401 for a wrong password, 429
 * with {@code Retry-After} when the address has used up its attempts) and {@code POST
 * /admin/api/<op>} with {@code Authorization: Bearer <token>} ({@link AdminApi}; answers {@code
 * {result}} or {@code {error:{code,message}}}, 401 without a valid session).
 *
 * <p>The session token travels in a header, never a cookie, so another site cannot make a browser
 * act on the page's behalf; the page's Content-Security-Policy allows only its own script, style
 * and API, and it may not be framed.
 */
final class AdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  static final long MAX_BODY_BYTES = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final AdminAssets assets;
  private final AdminApi api;
  /** Null with {@code admin_insecure}: no login, every request is let in. */
  private final AdminLogin login;
  private final AdminTokens tokens;

  AdminRoutes(AdminAssets assets, AdminApi api, AdminLogin login, AdminTokens tokens) {
    this.assets = assets;
    this.api = api;
    this.login = login;
    this.tokens = tokens;
  }

  /** Whether {@code path} is the admin page's (everything else is left to the node's own routes). */
  static boolean isAdminPath(String path) {
    return "/".equals(path) || "/admin".equals(path) || path.startsWith("/admin/");
  }

  Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(rc -> {
      rc.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY");
      rc.next();
    });
    router.get("/").handler(rc -> {
      rc.response().putHeader("Content-Security-Policy", CSP);
      assets.serve(rc, "index.html");
    });
    router.get("/admin").handler(rc -> rc.redirect("/"));
    router.get("/admin/").handler(rc -> rc.redirect("/"));
    router.get("/admin/:file").handler(rc -> {
      if (!assets.serve(rc, rc.pathParam("file"))) fail(rc, 404, 404, "not found");
    });
    router.post("/admin/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/admin/login").handler(this::login);
    router.post("/admin/api/:op").handler(this::authorize).handler(this::operation);
    router.route().last().handler(rc -> fail(rc, 404, 404, "not found"));
    router.errorHandler(413, rc -> fail(rc, 413, ErrorCode.BAD_REQUEST.code, "request body too large"));
    router.errorHandler(500, rc -> {
      LOG.error("event=admin_http_failure path={}", rc.request().path(), rc.failure());
      fail(rc, 500, ErrorCode.INTERNAL.code, "internal server error");
    });
    return router;
  }

  private void login(RoutingContext rc) {
    String remote = remote(rc);
    if (login == null) {
      json(rc, 200, JSON.createObjectNode().put("insecure", true));
      return;
    }
    JsonNode body = body(rc);
    String password = body == null ? null : body.path("password").asText(null);
    AdminLogin.Outcome outcome = login.attempt(remote, password);
    if (outcome instanceof AdminLogin.LoggedIn ok) {
      LOG.info("event=admin_login remote={}", remote);
      json(rc, 200, JSON.createObjectNode().put("token", ok.session().token()).put("expires_at", ok.session().expiresAt()));
    } else if (outcome instanceof AdminLogin.TooManyAttempts limited) {
      LOG.warn("event=admin_login_refused remote={} reason=rate_limited retry_after_s={}", remote, limited.retryAfterSeconds());
      rc.response().putHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
      fail(rc, 429, ErrorCode.TOO_MANY_REQUESTS.code,
          "too many login attempts from this address: try again in " + limited.retryAfterSeconds() + " s");
    } else {
      LOG.info("event=admin_login_refused remote={} reason=wrong_password", remote);
      fail(rc, 401, ErrorCode.UNAUTHORIZED.code, "wrong password");
    }
  }

  private void authorize(RoutingContext rc) {
    if (tokens == null) {
      rc.next();
      return;
    }
    String header = rc.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    AdminTokens.Check check = tokens.check(token);
    switch (check) {
      case VALID -> rc.next();
      case MISSING -> fail(rc, 401, ErrorCode.UNAUTHORIZED.code, "log in first");
      case EXPIRED -> fail(rc, 401, ErrorCode.UNAUTHORIZED.code, "session expired: log in again");
      default -> {
        LOG.info("event=admin_token_refused remote={} reason={}", remote(rc), check.name().toLowerCase(Locale.ROOT));
        fail(rc, 401, ErrorCode.UNAUTHORIZED.code, "invalid session: log in again");
      }
    }
  }

  private void operation(RoutingContext rc) {
    JsonNode params = body(rc);
    if (params == null || !params.isObject()) {
      fail(rc, 400, ErrorCode.BAD_REQUEST.code, "the body must be a JSON object");
      return;
    }
    api.call(rc.pathParam("op"), params, remote(rc)).onComplete(ar -> {
      if (ar.succeeded()) {
        ObjectNode out = JSON.createObjectNode();
        out.set("result", ar.result());
        json(rc, 200, out);
      } else {
        ProtocolException e = Errors.toProtocol(ar.cause());
        if (!Errors.expected(ar.cause())) LOG.warn("event=admin_operation_failed op={}", rc.pathParam("op"), ar.cause());
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("code", e.code()).put("message", e.getMessage());
        json(rc, 200, out);
      }
    });
  }

  /** The request body as JSON: an empty body is {@code {}}, malformed JSON is null. */
  private static JsonNode body(RoutingContext rc) {
    if (rc.body() == null || rc.body().length() == 0) return JSON.createObjectNode();
    try {
      return JSON.readTree(rc.body().buffer().getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static String remote(RoutingContext rc) {
    var address = rc.request().remoteAddress();
    return address == null ? "unknown" : address.hostAddress();
  }

  private static void json(RoutingContext rc, int status, JsonNode body) {
    if (rc.response().ended()) return;
    try {
      rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      rc.fail(e);
    }
  }

  private static void fail(RoutingContext rc, int status, int code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    json(rc, status, body);
  }
}
