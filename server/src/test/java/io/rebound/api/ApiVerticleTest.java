package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.Addresses;
import io.rebound.testing.Await;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
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
  private static final DeliveryOptions WITHIN = new DeliveryOptions().setSendTimeout(5_000).addHeader(Addresses.API_KEY_HEADER, "unit-key");
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
    return door(body, WITHIN);
  }

  private static JsonObject door(Object body, DeliveryOptions options) {
    return Await.result(api.vertx.eventBus().<JsonObject>request(Addresses.API, body, options).map(Message::body));
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
  void withoutTheApiKeyNothingIsExecuted() {
    JsonObject publish = new JsonObject().put("method", "publish")
        .put("params", new JsonObject().put("channel", "news:keyless").put("data", new JsonObject().put("b", 1)));
    JsonObject unauthorized = new JsonObject("{\"error\":{\"code\":101,\"message\":\"unauthorized\"}}");
    DeliveryOptions noKey = new DeliveryOptions().setSendTimeout(5_000);
    DeliveryOptions wrongKey = new DeliveryOptions().setSendTimeout(5_000).addHeader(Addresses.API_KEY_HEADER, "unit-kex");
    for (DeliveryOptions options : List.of(noKey, wrongKey)) {
      assertThat(door(publish, options)).isEqualTo(unauthorized);
      JsonObject history = new JsonObject().put("method", "history").put("params", new JsonObject().put("channel", "news:keyless"));
      assertThat(door(history, options)).isEqualTo(unauthorized);
    }
    assertThat(api.fanouts).as("nothing was published").noneMatch(m -> m.channel().equals("news:keyless"));
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
