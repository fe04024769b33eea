package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.Addresses;
import io.rebound.testing.Await;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster-visible door ({@link Addresses#API}) JVM backends use: Vert.x JSON {@code {method,
 * params}} in, the HTTP API's envelope out, and an answer for every body.
 */
class ApiVerticleTest {

  /** Shorter than Await's own limit, so a request the door never answers fails as a reply timeout. */
  private static final DeliveryOptions WITHIN = new DeliveryOptions().setSendTimeout(5_000);
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = new ApiFixture(ApiFixture.stats(Map.of()));
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  private static JsonObject door(Object body) {
    return Await.result(api.vertx.eventBus().<JsonObject>request(Addresses.API, body, WITHIN).map(Message::body));
  }

  @Test
  void aCallAnswersTheResultEnvelope() {
    JsonObject ok = door(new JsonObject().put("method", "publish")
        .put("params", new JsonObject().put("channel", "news:door").put("data", new JsonObject().put("b", 1))));
    assertThat(ok.fieldNames()).containsExactly("result");
    assertThat(ok.getJsonObject("result").getLong("offset")).isEqualTo(1L);
    JsonObject history = door(new JsonObject().put("method", "history").put("params", new JsonObject().put("channel", "news:door").put("limit", -1)));
    assertThat(history.getJsonObject("result").getJsonArray("publications").getJsonObject(0).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("b", 1));
  }

  @Test
  void aFailedCallAnswersTheErrorEnvelope() {
    JsonObject unknownChannel = door(new JsonObject().put("method", "publish").put("params", new JsonObject().put("channel", "nope:x").put("data", 1)));
    assertThat(unknownChannel).isEqualTo(new JsonObject("{\"error\":{\"code\":102,\"message\":\"unknown channel\"}}"));
    JsonObject unknownMethod = door(new JsonObject().put("method", "frobnicate"));
    assertThat(unknownMethod).isEqualTo(new JsonObject("{\"error\":{\"code\":104,\"message\":\"method not found\"}}"));
  }

  @Test
  void aMalformedRequestIs107() {
    assertThat(door(new JsonObject().put("params", new JsonObject())))
        .isEqualTo(new JsonObject("{\"error\":{\"code\":107,\"message\":\"method required\"}}"));
    assertThat(door(new JsonObject().put("method", "info").put("params", "x")))
        .isEqualTo(new JsonObject("{\"error\":{\"code\":107,\"message\":\"params must be an object\"}}"));
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsAnsweredNotTimedOut() {
    for (Object body : new Object[] {"{\"method\":\"info\"}", 42, new io.vertx.core.json.JsonArray().add("info")}) {
      JsonObject reply = door(body);
      assertThat(reply.getJsonObject("error").getInteger("code")).as("%s", body).isEqualTo(107);
    }
  }
}
