package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.bus.ApiReply;
import io.rebound.engine.memory.MemoryHistory;
import io.rebound.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code batch}: long sequential batches, the length cap, and refusals that apply nothing. */
class BatchTest {

  private static final String CONFIG = """
      {"name": "unit", "token_hmac_secret_key": "unit-secret", "api_key": "unit-key", "api_batch_max_size": 6000,
       "namespaces": [{"name": "news", "history_size": 10, "history_ttl": "300s"}, {"name": "plain"}]}
      """;
  private static ApiFixture api;

  @BeforeAll
  static void start() {
    api = new ApiFixture(CONFIG, new MemoryHistory());
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  private static String publishes(String first, int fast) {
    StringBuilder commands = new StringBuilder("{\"commands\":[").append(first);
    for (int i = 0; i < fast; i++) commands.append(",{\"publish\":{\"channel\":\"plain:fast\",\"data\":").append(i).append("}}");
    return commands.append("]}").toString();
  }

  @Test
  void thousandsOfQuickCommandsBehindASlowOneAreAllAnswered() {
    // The first publish waits for the history engine; the 5000 behind it (no history) complete at
    // once, so a chain of futures would run them all in the first one's completion, one stack frame
    // deeper each: the stack overflowed after a few hundred and the batch was never answered.
    JsonNode replies = api.ok("batch", publishes("{\"publish\":{\"channel\":\"news:slow\",\"data\":{\"first\":true}}}", 5000)).path("replies");
    assertThat(replies).hasSize(5001);
    assertThat(replies.get(0).path("publish").path("offset").asLong()).isEqualTo(1);
    for (int i = 1; i < replies.size(); i++) assertThat(replies.get(i).toString()).as("reply %d", i).isEqualTo("{\"publish\":{}}");
  }

  @Test
  void aParallelBatchAnswersInCommandOrder() {
    JsonNode replies = api.ok("batch", "{\"parallel\":true,\"commands\":[{\"publish\":{\"channel\":\"news:par\",\"data\":1}},"
        + "{\"history\":{\"channel\":\"nope:x\"}},{\"publish\":{\"channel\":\"plain:par\",\"data\":2}}]}").path("replies");
    assertThat(replies).hasSize(3);
    assertThat(replies.get(0).path("publish").path("offset").asLong()).isEqualTo(1);
    assertThat(replies.get(1).path("error").path("code").asInt()).isEqualTo(102);
    assertThat(replies.get(2).toString()).isEqualTo("{\"publish\":{}}");
  }

  @Test
  void aBatchOverTheCapIsRefusedWithNothingApplied() {
    ApiReply reply = api.call("batch", publishes("{\"publish\":{\"channel\":\"news:capped\",\"data\":1}}", 6000));
    assertThat(reply.error()).isNotNull();
    assertThat(reply.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(reply.error().getMessage()).isEqualTo("batch too long: 6001 commands, api_batch_max_size is 6000");
    assertThat(api.ok("history", "{\"channel\":\"news:capped\"}").path("offset").asLong()).isZero();
  }

  @Test
  void aCommandThatIsNotAnObjectRefusesTheBatchBeforeAnythingRuns() {
    ApiReply reply = api.call("batch", "{\"commands\":[{\"publish\":{\"channel\":\"news:bad-item\",\"data\":1}},42]}");
    assertThat(reply.error().error()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(reply.error().getMessage()).isEqualTo("batch command must be an object");
    assertThat(api.ok("history", "{\"channel\":\"news:bad-item\"}").path("offset").asLong()).isZero();
  }
}
