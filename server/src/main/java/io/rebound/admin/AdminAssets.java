package io.rebound.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page itself: {@code index.html}, its script modules and {@code app.css} from the jar's {@code
 * admin/} resources, read once when the node starts (about 40 KiB from the already open jar, like
 * loading a few classes) and served from memory: no file system, no network, the page works from the
 * jar alone. Each answer carries an ETag, so a reload costs a 304. Immutable after construction.
 */
final class AdminAssets {

  /** File name → content type: the whole page, nothing else is ever served from resources. */
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "chart.js", "text/javascript; charset=utf-8",
      "dom.js", "text/javascript; charset=utf-8",
      "app.css", "text/css; charset=utf-8");

  private record Asset(Buffer body, String type, String etag) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  AdminAssets() {
    FILES.forEach((name, type) -> {
      byte[] bytes = read("/admin/" + name);
      assets.put(name, new Asset(Buffer.buffer(bytes), type, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 8) + "\""));
    });
  }

  /** Serves {@code name}; false when there is no such asset. */
  boolean serve(RoutingContext rc, String name) {
    Asset a = assets.get(name);
    if (a == null) return false;
    rc.response().putHeader("ETag", a.etag()).putHeader("Cache-Control", "no-cache");
    if (a.etag().equals(rc.request().getHeader("If-None-Match"))) {
      rc.response().setStatusCode(304).end();
    } else {
      rc.response().putHeader("Content-Type", a.type()).end(a.body());
    }
    return true;
  }

  private static byte[] read(String resource) {
    try (InputStream in = AdminAssets.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " missing from the jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
