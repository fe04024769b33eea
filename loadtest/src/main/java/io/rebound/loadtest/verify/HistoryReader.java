package io.rebound.loadtest.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.verify.HistorySnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a channel's whole retained history through the server API ({@code history} with {@code limit: -1}) for the
 * checker's "acknowledged but missing from history" and "one offset, two payloads" rules. Tries each target in turn.
 */
final class HistoryReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final List<String> apiUrls;
  private final String apiKey;

  HistoryReader(Vertx vertx, HttpClientAgent http, List<String> apiUrls, String apiKey) {
    this.vertx = vertx;
    this.http = http;
    this.apiUrls = apiUrls;
    this.apiKey = apiKey;
  }

  /** The history of {@code channel}; fails after every target failed {@code rounds} times. */
  Future<HistorySnapshot> read(String channel, int rounds) {
    return attempt(channel, 0, rounds * apiUrls.size());
  }

  private Future<HistorySnapshot> attempt(String channel, int i, int left) {
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(apiUrls.get(i % apiUrls.size()) + "/history")
        .putHeader("X-API-Key", apiKey).putHeader("Content-Type", "application/json").setIdleTimeout(30_000);
    String body = "{\"channel\":\"" + channel + "\",\"limit\":-1}";
    return http.request(req).compose(r -> r.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> parse(b.toString())))
        .recover(e -> {
          if (left <= 1) return Future.failedFuture(new IllegalStateException("history of " + channel + ": " + e.getMessage(), e));
          return delay(500).compose(v -> attempt(channel, i + 1, left - 1));
        });
  }

  private Future<Void> delay(long ms) {
    return Future.future(p -> vertx.setTimer(ms, t -> p.complete()));
  }

  static HistorySnapshot parse(String text) {
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not JSON: " + text);
    }
    JsonNode result = body.path("result");
    if (!result.isObject()) throw new IllegalStateException("history failed: " + body);
    List<HistorySnapshot.Entry> entries = new ArrayList<>();
    for (JsonNode p : result.path("publications")) entries.add(new HistorySnapshot.Entry(p.path("offset").asLong(), p.path("data").path("n").asText()));
    return new HistorySnapshot(result.path("epoch").asText(), result.path("offset").asLong(), entries);
  }
}
