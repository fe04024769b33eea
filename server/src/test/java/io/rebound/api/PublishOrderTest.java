package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.bus.ApiRequest;
import io.rebound.codec.CommandDecoder;
import io.rebound.engine.FanoutMessage;
import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Publishing from several event loops at once keeps each channel's order: the API is called on
 * whichever loop a request arrives on, and a channel's publications are stored and fanned out on
 * that channel's shard ({@link ChannelShards}). Real Vert.x, real memory engine, the fan-out as the
 * edges receive it.
 */
class PublishOrderTest {

  private static final int CALLERS = 4;
  private static final int PER_CALLER = 300;
  private static final List<String> CHANNELS = List.of("news:a", "news:b", "news:c", "plain:d");

  @Test
  void publishersOnSeveralLoopsKeepEachChannelsOffsetOrderAndTheirOwnOrder() {
    try (ApiFixture api = new ApiFixture(ApiFixture.stats(Map.of()))) {
      List<Future<Void>> callers = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) callers.add(publishPipelined(api, ((VertxInternal) api.vertx).createEventLoopContext(), c));
      Await.result(Future.all(callers));
      int expected = CALLERS * PER_CALLER * CHANNELS.size();
      Await.until("every publication fanned out", Duration.ofSeconds(20), () -> api.fanouts.size() == expected);

      Map<String, Long> lastOffset = new HashMap<>();
      Map<String, Integer> lastSeq = new HashMap<>();
      for (FanoutMessage m : api.fanouts) {
        String text = m.publication().data().text();
        int caller = Integer.parseInt(text.replaceAll(".*\"c\":(\\d+).*", "$1"));
        int seq = Integer.parseInt(text.replaceAll(".*\"i\":(\\d+).*", "$1"));
        if (m.channel().startsWith("news:")) {
          // Stored: the edges see offsets 1, 2, 3… in that order, whoever published them.
          long previous = lastOffset.getOrDefault(m.channel(), 0L);
          assertThat(m.offset()).as("offset after %d in %s", previous, m.channel()).isEqualTo(previous + 1);
          lastOffset.put(m.channel(), m.offset());
        }
        String publisher = m.channel() + "/" + caller;
        assertThat(seq).as("publisher %s's order", publisher).isGreaterThan(lastSeq.getOrDefault(publisher, -1));
        lastSeq.put(publisher, seq);
      }
      assertThat(lastOffset.values()).containsOnly((long) CALLERS * PER_CALLER);
    }
  }

  /** On {@code context}: every publication of caller {@code c}, to every channel, without waiting for answers. */
  private static Future<Void> publishPipelined(ApiFixture api, ContextInternal context, int c) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<?>> answers = new ArrayList<>();
      for (int i = 0; i < PER_CALLER; i++) {
        for (String channel : CHANNELS) {
          CommandDecoder.Params params = CommandDecoder.decodeParams("{\"channel\":\"" + channel + "\",\"data\":{\"c\":" + c + ",\"i\":" + i + "}}");
          answers.add(api.service.call(new ApiRequest("publish", params.params(), params.data(), null)));
        }
      }
      Future.all(answers).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }
}
