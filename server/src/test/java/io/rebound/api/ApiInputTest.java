package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.ApiReply;
import io.rebound.protocol.ErrorCode;
import io.rebound.testing.Await;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input the API must refuse or bound: disconnect codes and reasons, channel names, channel patterns. */
class ApiInputTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = new ApiFixture(ApiFixture.stats(Map.of("a".repeat(255), 1, "plain:room", 2)));
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  private static JsonObject lastControl(String user) {
    return Await.value("control message for " + user, WAIT, () -> api.controls.stream()
        .filter(c -> c.getString("user").equals(user)).reduce((a, b) -> b).orElse(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1000", "1005", "2999", "5000", "70000", "-3000", "3000.5", "\"3000\"", "true", "{}"})
  void aDisconnectCodeOutside3000To4999Is107(String code) {
    ApiReply reply = api.call("disconnect", "{\"user\":\"u\",\"disconnect\":{\"code\":" + code + ",\"reason\":\"r\"}}");
    assertThat(reply.error()).as("code %s accepted", code).isNotNull();
    assertThat(reply.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(reply.error().getMessage()).isEqualTo("disconnect code must be an integer in 3000..4999");
  }

  @ParameterizedTest
  @ValueSource(ints = {3000, 3503, 4000, 4999})
  void aDisconnectCodeIn3000To4999IsSent(int code) {
    String user = "code-" + code;
    api.ok("disconnect", "{\"user\":\"" + user + "\",\"disconnect\":{\"code\":" + code + ",\"reason\":\"bye\"}}");
    assertThat(lastControl(user).getInteger("code")).isEqualTo(code);
    assertThat(lastControl(user).getString("reason")).isEqualTo("bye");
  }

  @Test
  void aDisconnectReasonIsCutTo123Utf8BytesAtACodePoint() {
    String reason = "é".repeat(100) + "😀".repeat(10); // 240 bytes
    api.ok("disconnect", "{\"user\":\"long-reason\",\"disconnect\":{\"code\":4001,\"reason\":\"" + reason + "\"}}");
    String sent = lastControl("long-reason").getString("reason");
    assertThat(sent.getBytes(StandardCharsets.UTF_8)).hasSize(122); // 61 × é; the 62nd would make 124
    assertThat(sent).isEqualTo("é".repeat(61));
    api.ok("disconnect", "{\"user\":\"no-params\"}");
    assertThat(lastControl("no-params").getInteger("code")).isEqualTo(3503);
  }

  @Test
  void aChannelNameWithAControlCharacterIs107() {
    for (String method : new String[] {"publish", "history", "presence", "subscribe"}) {
      ApiReply reply = api.call(method, "{\"user\":\"u\",\"channel\":\"news:x\\nINFO forged=1\",\"data\":1}");
      assertThat(reply.error()).as(method).isNotNull();
      assertThat(reply.error().error()).as(method).isEqualTo(ErrorCode.BAD_REQUEST);
    }
  }

  @Test
  void aBacktrackingChannelPatternIsAnsweredAtOnce() {
    // As a regex, .*a.*a… against the 255-character channel would keep the API's event loop for hours.
    String pattern = "*a".repeat(30) + "*b";
    assertThat(api.ok("channels", "{\"pattern\":\"" + pattern + "\"}").toString()).isEqualTo("{\"channels\":{}}");
    assertThat(api.ok("channels", "{\"pattern\":\"*a\"}").path("channels").has("a".repeat(255))).isTrue();
  }

  @Test
  void aChannelPatternIsCapped() {
    ApiReply reply = api.call("channels", "{\"pattern\":\"" + "?".repeat(Glob.MAX_LENGTH + 1) + "\"}");
    assertThat(reply.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(reply.error().getMessage()).isEqualTo("pattern longer than 512 characters");
  }
}
