package io.rebound.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A blocking HTTP client for a node's server API and its other HTTP routes. */
public final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String key;

  /** A reply: the HTTP status, the body text, and the body parsed as JSON (null when it is not JSON). */
  public record Response(int status, String text, JsonNode body) {
    public JsonNode result() {
      return body == null ? null : body.get("result");
    }

    public JsonNode error() {
      return body == null ? null : body.get("error");
    }
  }

  public ApiClient(int port, String key) {
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  /** {@code POST /api/<method>} with the {@code X-API-Key} header. */
  public Response call(String method, String bodyJson) {
    return post("/api/" + method, bodyJson, "X-API-Key", key);
  }

  /** The {@code result} of a call that must succeed with HTTP 200 and no error. */
  public JsonNode ok(String method, String bodyJson) {
    Response r = call(method, bodyJson);
    if (r.status() != 200 || r.body() == null || r.result() == null) {
      throw new AssertionError(method + " " + bodyJson + " failed: " + r.status() + " " + r.text());
    }
    return r.result();
  }

  /** {@link #publishBatch(String, int, int, String)} of {@code {"n": 0}} … {@code {"n": count-1}}. */
  public List<Long> publishBatch(String channel, int count) {
    return publishBatch(channel, 0, count, null);
  }

  /**
   * Publishes {@code count} publications {@code {"n": from + i}} to {@code channel} (each with {@code
   * "p": padding} too, unless it is null) with one {@code batch} call; returns their offsets in
   * order, failing the test if any of them was not published.
   */
  public List<Long> publishBatch(String channel, int from, int count, String padding) {
    StringBuilder b = new StringBuilder("{\"commands\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) b.append(',');
      b.append("{\"publish\":{\"channel\":\"").append(channel).append("\",\"data\":{\"n\":").append(from + i);
      if (padding != null) b.append(",\"p\":\"").append(padding).append('"');
      b.append("}}}");
    }
    List<Long> offsets = new ArrayList<>();
    for (JsonNode r : ok("batch", b.append("]}").toString()).path("replies")) {
      if (!r.has("publish")) throw new AssertionError("batch publish to " + channel + " failed: " + r);
      offsets.add(r.path("publish").path("offset").asLong());
    }
    return offsets;
  }

  /** POST {@code path} with an optional header (name null for none). */
  public Response post(String path, String body, String header, String value) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (header != null) b.header(header, value);
    return send(b.build());
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15)).GET().build());
  }

  /**
   * Whether {@code GET path} answers 200 now; false also when the server does not answer at all yet
   * (for waiting on a server that is starting: {@code Await.until(…, () -> client.answersOk("/health"))}).
   */
  public boolean answersOk(String path) {
    try {
      return get(path).status() == 200;
    } catch (AssertionError notYet) {
      return false;
    }
  }

  /**
   * The value of Prometheus sample {@code name} on GET /metrics: an unlabelled one, or the sum over
   * its labelled series ({@code rebound_connections} has one per transport and format); NaN when absent.
   */
  public double metric(String name) {
    double sum = Double.NaN;
    for (String line : get("/metrics").text().split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
      if (line.startsWith(name + "{")) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
        sum = Double.isNaN(sum) ? value : sum + value;
      }
    }
    return sum;
  }

  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException e) {
        body = null;
      }
      return new Response(r.statusCode(), r.body(), body);
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
