package io.rebound.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.codec.Push;
import io.rebound.codec.Result;
import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.core.Version;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON wire format byte for byte. {@code golden.tsv} holds the bytes the protocol code wrote
 * before the codec seam (captured from the old {@code Replies}/{@code Pushes} with the same values,
 * in the field order its handlers used): escaping by Jackson in replies and by {@code JsonText} in
 * pushes, raw JSON payloads, U+2028, control characters, optional fields left out.
 */
class JsonCodecTest {

  private static final JsonCodec JSON = JsonCodec.INSTANCE;
  private static final String CH = "feed:\"é\u2028\u0001";
  private static final ClientInfo INFO = new ClientInfo("u\"1\u2028", "c-1", "{\"a\":1}", null);
  private static final ClientInfo INFO2 = new ClientInfo("", "c\u0001", null, "{\"b\":[1, 2]}");
  private static final Publication P8 = new Publication(8, "{\"x\":\"\\u00e9\", \"y\": 1.10}", INFO, Map.of("k", "v\n\""));
  private static final Publication P9 = new Publication(9, "\"plain\"", null, null);
  private static final Result.Subscribe FULL = new Result.Subscribe(true, true, "e\u2028\"", 7, true, true, List.of(P8, P9), null, null);

  private static final Map<String, String> GOLDEN = new LinkedHashMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = JsonCodecTest.class.getResourceAsStream("golden.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int tab = line.indexOf('\t');
        GOLDEN.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
  }

  private static void same(String name, Buffer encoded) {
    assertThat(encoded.toString(StandardCharsets.UTF_8)).as(name).isEqualTo(GOLDEN.get(name));
  }

  @Test
  void connectReplies() {
    Map<String, Result.Subscribe> subs = new LinkedHashMap<>();
    subs.put(CH, FULL);
    subs.put("other", Result.Subscribe.PLAIN);
    same("connect", JSON.reply(1, new Result.Connect("c-1", Version.SERVER, 3599L, "s-1", 10000, 25L, true, false, null, subs)));
    same("resumed", JSON.reply(1, new Result.Connect("c-2", Version.SERVER, null, null, 0, 25L, false, true, 9L, null)));
    same("refresh", JSON.reply(3, new Result.Refresh("c-2", Version.SERVER, 0L)));
  }

  @Test
  void subscribeReplies() {
    same("subscribe_plain", JSON.reply(2, Result.Subscribe.PLAIN.withToken("{\"d\":[1, 2]}", 60L)));
    same("subscribe_positioned_empty", JSON.reply(2, new Result.Subscribe(false, true, "", 0, false, false, List.of(), null, null)));
    same("subscribe_full", JSON.reply(2, FULL));
    same("sub_refresh", JSON.reply(6, new Result.SubRefresh(12L)));
    same("sub_refresh_empty", JSON.reply(6, new Result.SubRefresh(null)));
  }

  @Test
  void channelReplies() {
    same("history", JSON.reply(4, new Result.History(List.of(P8, P9), new StreamPosition(9, "ep"))));
    same("history_empty", JSON.reply(4, new Result.History(List.of(), new StreamPosition(0, "ep"))));
    Map<String, ClientInfo> members = new LinkedHashMap<>();
    members.put("c-1", INFO);
    members.put("c\u0001\u2028", INFO2);
    same("presence", JSON.reply(5, new Result.Presence(members)));
    same("presence_stats", JSON.reply(5, new Result.PresenceStats(3, 2)));
    same("unsubscribe", JSON.reply(7, Result.Empty.UNSUBSCRIBE));
    same("publish", JSON.reply(8, Result.Empty.PUBLISH));
    same("ping_reply", JSON.reply(9, Result.Empty.PING));
  }

  @Test
  void errors() {
    same("error", JSON.error(10, ErrorCode.BAD_REQUEST.exception("line\nbreak é\u2028\u0001")));
    same("error_default", JSON.error(11, ErrorCode.PERMISSION_DENIED.exception()));
    same("error_temporary", JSON.error(12, ErrorCode.INTERNAL.exception()));
  }

  @Test
  void pushes() {
    same("push_pub", JSON.push(new Push.Pub(CH, P8)));
    same("push_pub_plain", JSON.push(new Push.Pub("c", P9)));
    same("push_pub_unstored", JSON.push(new Push.Pub("c", Publication.of("{}"))));
    same("push_join", JSON.push(new Push.Join(CH, INFO)));
    same("push_leave", JSON.push(new Push.Leave(CH, INFO2)));
    same("push_unsubscribe", JSON.push(new Push.Unsubscribe(CH, 2500, "insufficient state")));
    same("push_subscribe", JSON.push(new Push.Subscribe(CH, FULL)));
    same("push_subscribe_empty", JSON.push(new Push.Subscribe("c", Result.Subscribe.PLAIN)));
    same("push_discontinuity", JSON.push(new Push.Discontinuity(CH, "gap", new StreamPosition(1, "e\u2028"), new StreamPosition(4, "f"))));
  }

  @Test
  void thePingIsOneEmptyObjectAlwaysTheSameInstance() {
    same("ping", JSON.ping());
    assertThat(JSON.ping()).isSameAs(JSON.ping());
  }

  @Test
  void framesAreNewlineSeparatedAndASingleMessageIsNotCopied() {
    Buffer a = Buffer.buffer("{\"a\":1}");
    assertThat(JSON.join(List.of(a))).isSameAs(a);
    assertThat(JSON.join(List.of(a, Buffer.buffer("{\"b\":2}"), JSON.ping())).toString()).isEqualTo("{\"a\":1}\n{\"b\":2}\n{}");
  }
}
