package io.rebound.e2e;

import static io.rebound.testing.SdkClient.is;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testing.Closer;
import io.rebound.testing.NodeExtension;
import io.rebound.testing.SdkClient;
import io.rebound.testing.UniqueName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A web page of another origin than the node's, in a real Chromium, with the real centrifuge SDK on
 * HTTP-streaming only (src/test/js/cross-origin-page.mjs): the browser enforces CORS on the stream,
 * its pre-flight and every {@code POST /emulation}. A page whose origin {@code allowed_origins}
 * admits connects, subscribes and receives a publication; a page of any other origin never connects.
 * Before the endpoints sent CORS headers, the admitted page could not connect either.
 */
class CrossOriginBrowserIT {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.of("""
      {"allowed_origins": ["http://app.test:*"], "namespaces": [{"name": "chat", "allow_subscribe_for_client": true}]}""");

  @RegisterExtension final Closer open = new Closer();
  @RegisterExtension final UniqueName name = new UniqueName();

  private SdkClient page(String host, String channel) {
    SdkClient page = open.add(SdkClient.start("cross-origin-" + host, "cross-origin-page.mjs", List.of(), Map.of(
        "NODE_URL", "http://127.0.0.1:" + node.port(), "PAGE_HOST", host, "TOKEN", node.token("alice"), "CHANNEL", channel)));
    page.await("the page loads", is("page", "started"));
    return page;
  }

  @Test
  void aPageOfAnAdmittedOriginConnectsOverHttpStreamingAndReceivesPublications() {
    String channel = name.in("chat");
    SdkClient page = page("app.test", channel);
    JsonNode connected = page.await("connected", is("page", "connected"));
    assertThat(connected.path("transport").asText()).isEqualTo("http_stream");
    page.await("subscribed (a command over POST /emulation, cross-origin)", is("page", "subscribed"));
    node.publish(channel, 1);
    JsonNode publication = page.await("the publication", is("page", "publication"));
    assertThat(publication.path("data").path("n").asInt()).isEqualTo(1);
    assertThat(page.events(is("page", "pageerror"))).isEmpty();
  }

  @Test
  void aPageOfAnotherOriginNeverConnects() {
    SdkClient page = page("evil.test", name.in("chat"));
    // The SDK reports each failed attempt as a transport error and tries again; two of them, and still not connected.
    page.until("two failed attempts", all -> all.stream().filter(is("page", "error")).count() >= 2);
    assertThat(page.events(is("page", "connected"))).as("the node refused the page's origin").isEmpty();
  }
}
