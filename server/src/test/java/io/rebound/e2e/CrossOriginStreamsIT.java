package io.rebound.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testing.NodeExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code allowed_origins} on the HTTP connection endpoints, as on the WebSocket handshake: a page of an
 * admitted origin gets the CORS headers it needs to read a stream from another origin (the origin
 * echoed, credentials allowed, the pre-flight's headers allowed); a page of any other origin is
 * refused with 403 before a session opens — including an {@code EventSource} GET, which no pre-flight
 * guards. Requests without {@code Origin} (native clients) are served without CORS headers. Before
 * this, the endpoints sent no CORS headers at all (a page of another origin could not read a stream)
 * and served every origin.
 */
class CrossOriginStreamsIT {

  private static final String APP = "https://app.example.com";
  private static final String OTHER = "https://evil.example.net";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final NodeExtension node = NodeExtension.of("""
      {"allowed_origins": ["%s"], "uni_sse": true, "uni_http_stream": true,
       "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""".formatted(APP));

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private InputStream openStream;

  @AfterEach
  void closeStream() throws Exception {
    if (openStream != null) openStream.close();
  }

  private String connect(String user) {
    return "{\"id\":1,\"connect\":{\"token\":\"" + node.token(user) + "\"}}";
  }

  /** A unidirectional transport's connect request: the request itself, not a command. */
  private String uniConnect(String user) {
    return "{\"token\":\"" + node.token(user) + "\"}";
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + pathAndQuery);
  }

  private HttpResponse<InputStream> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<InputStream> response = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofInputStream());
    openStream = response.body();
    return response;
  }

  /** The first line of a stream's body that is not blank or an SSE comment, without the SSE {@code data: } prefix. */
  private static JsonNode firstMessage(HttpResponse<InputStream> response) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.isBlank() || line.startsWith(":")) continue;
      return JSON.readTree(line.startsWith("data: ") ? line.substring(6) : line);
    }
    throw new AssertionError("the stream ended without a message");
  }

  @Test
  void aPageOfAnAdmittedOriginGetsTheCorsHeadersAndItsStream() throws Exception {
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri("/connection/http_stream")).header("Origin", APP)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(connect("alice"))));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(APP);
    assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    assertThat(r.headers().firstValue("Vary")).contains("Origin");
    assertThat(firstMessage(r).path("connect").path("client").asText()).isNotEmpty();
  }

  @Test
  void aPreflightOfAnAdmittedOriginIsAnsweredWithWhatItAskedFor() throws Exception {
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri("/connection/http_stream")).header("Origin", APP)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(APP);
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).contains("content-type");
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).contains("POST, OPTIONS");
  }

  @Test
  void aPageOfAnotherOriginIsRefusedBeforeASessionOpens() throws Exception {
    String sse = "/connection/uni_sse?cf_connect=" + URLEncoder.encode(uniConnect("mallory"), StandardCharsets.UTF_8);
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri(sse)).header("Origin", OTHER).GET());
    assertThat(r.statusCode()).as("an EventSource GET needs no pre-flight: the node itself refuses it").isEqualTo(403);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(r.body().readAllBytes()).as("no connect reply: no session").isEmpty();
    for (String path : new String[] {"/connection/http_stream", "/connection/sse", "/connection/uni_http_stream", "/emulation"}) {
      HttpResponse<InputStream> post = send(HttpRequest.newBuilder(uri(path)).header("Origin", OTHER)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(connect("mallory"))));
      assertThat(post.statusCode()).as(path).isEqualTo(403);
      assertThat(post.body().readAllBytes()).as(path).isEmpty();
      HttpResponse<InputStream> preflight = send(HttpRequest.newBuilder(uri(path)).header("Origin", OTHER)
          .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
      assertThat(preflight.statusCode()).as("pre-flight of %s", path).isEqualTo(403);
    }
  }

  @Test
  void anOriginThatCannotBeEchoedIsRefused() throws Exception {
    // Admitted by no pattern anyway; a "*" policy must not echo bytes a header cannot carry either.
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri("/connection/http_stream")).header("Origin", APP + "\u00e9")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(connect("alice"))));
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void aClientWithoutOriginIsServedWithoutCorsHeaders() throws Exception {
    String sse = "/connection/uni_sse?cf_connect=" + URLEncoder.encode(uniConnect("bob"), StandardCharsets.UTF_8);
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri(sse)).GET());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(firstMessage(r).path("connect").path("client").asText()).isNotEmpty();
  }
}
