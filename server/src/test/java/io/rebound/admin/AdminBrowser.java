package io.rebound.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Await;
import io.rebound.testing.SdkClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The admin page in a real headless Chromium, driven through {@code src/test/js/admin-browser.mjs}
 * (puppeteer-core): each method runs one step as a person would (type, click) and returns what the
 * page then shows, as the script reported it. A step that fails in the browser fails the test with
 * the script's events and stderr.
 */
final class AdminBrowser implements AutoCloseable {

  private static final Duration STEP = Duration.ofSeconds(30);
  private final SdkClient script;

  private AdminBrowser(SdkClient script) {
    this.script = script;
  }

  /** Starts the browser on {@code url} (nothing is loaded until {@link #open()}). */
  static AdminBrowser start(String url) {
    AdminBrowser browser = new AdminBrowser(SdkClient.start("admin-browser", "admin-browser.mjs", List.of(), Map.of("ADMIN_URL", url)));
    browser.awaitEvent("the browser starts", 0, "started");
    return browser;
  }

  JsonNode open() {
    return step("open", "opened");
  }

  JsonNode login(String password) {
    return step("login " + password, "login");
  }

  JsonNode nodes() {
    return step("nodes", "nodes");
  }

  JsonNode chart() {
    return step("chart", "chart");
  }

  JsonNode channel(String name) {
    return step("channel " + name, "channel");
  }

  JsonNode history(String where) {
    return step("history " + where, "history");
  }

  /** Fills in {@code json} and presses Publish: the confirmation dialog it opens. */
  JsonNode publish(String json) {
    return step("publish " + json, "confirm");
  }

  JsonNode confirm() {
    return step("confirm", "published");
  }

  /** Fills in the disconnect form and presses Disconnect: the confirmation dialog it opens. */
  JsonNode disconnect(String user, boolean reconnect) {
    return step("disconnect " + user + " " + (reconnect ? "reconnect" : "disconnect"), "confirm");
  }

  JsonNode confirmDisconnect() {
    return step("confirmDisconnect", "disconnected");
  }

  JsonNode screenshot(java.nio.file.Path file) {
    return step("screenshot " + file.toAbsolutePath(), "screenshot");
  }

  /** Errors the page's scripts threw so far (none is the only good answer). */
  List<JsonNode> pageErrors() {
    return script.events(e -> "pageerror".equals(e.path("event").asText()));
  }

  private JsonNode step(String command, String answer) {
    int mark = script.mark();
    script.send(command);
    JsonNode reply = awaitEvent(command, mark, answer);
    return reply;
  }

  private JsonNode awaitEvent(String what, int from, String event) {
    JsonNode[] found = new JsonNode[1];
    script.until(what, STEP, all -> {
      for (int i = from; i < all.size(); i++) {
        JsonNode e = all.get(i);
        String name = e.path("event").asText();
        if (name.equals("commandFailed")) throw new AssertionError("browser step '" + what + "' failed: " + e + script.describe());
        if (name.equals(event)) {
          found[0] = e;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /** Repeats {@code step} until what the page shows satisfies {@code condition} (the page updates every 2 s). */
  static JsonNode until(String what, Duration timeout, java.util.function.Supplier<JsonNode> step,
      java.util.function.Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    try {
      Await.until(what, timeout, () -> condition.test(last[0] = step.get()));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the page last showed " + last[0], e);
    }
    return last[0];
  }

  @Override
  public void close() {
    script.close();
  }
}
