package io.rebound.engine.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * A Lua script kept in Redis' script cache and called by its SHA-1 (EVALSHA), so the script text
 * crosses the network once per connection lifetime rather than on every call. Redis forgets cached
 * scripts on restart or SCRIPT FLUSH; a NOSCRIPT reply then loads it again and retries once.
 */
final class LuaScript {

  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** Reads {@code lua/<name>.lua} from the classpath. Done once per class, at class initialisation. */
  static LuaScript fromResource(String name) {
    String path = "lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing classpath resource " + path);
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts the script into the server's cache (SCRIPT LOAD). */
  Future<Void> load(RedisLink link) {
    return link.send(loadRequest()).mapEmpty();
  }

  /** Puts the script into the server's cache through a connection that is not yet a link's (in a link's onConnect). */
  Future<Void> load(RedisConnection connection) {
    return connection.send(loadRequest()).mapEmpty();
  }

  /**
   * Runs the script with {@code keys}; {@code args} appends the ARGVs to the request.
   *
   * @param args called once per attempt: a request is not reused after it was sent
   */
  Future<Response> call(RedisLink link, String[] keys, UnaryOperator<Request> args) {
    return link.send(request(keys, args)).recover(e -> {
      if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) return Future.failedFuture(e);
      return load(link).compose(v -> link.send(request(keys, args)));
    });
  }

  /**
   * Runs the script once, with no NOSCRIPT retry: one call is exactly one command, written in the
   * order it was sent, so callers whose correctness depends on the order of their commands on a link
   * (presence: a refresh must never overtake a later remove) can rely on it. Such callers load the
   * script on every connection of the link ({@link #load(RedisConnection)} in its onConnect), so
   * NOSCRIPT only comes back after a {@code SCRIPT FLUSH}, and then the call fails.
   */
  Future<Response> callOnce(RedisLink link, String[] keys, UnaryOperator<Request> args) {
    return link.send(request(keys, args));
  }

  private Request loadRequest() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  private Request request(String[] keys, UnaryOperator<Request> args) {
    Request req = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.length);
    for (String key : keys) req.arg(key);
    return args.apply(req);
  }

  @Override
  public String toString() {
    return name + "@" + sha;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
