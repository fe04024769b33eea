package io.rebound.codec.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.github.centrifugal.centrifuge.internal.protocol.Protocol;
import io.rebound.codec.BadFrameException;
import io.rebound.codec.ClientCommand;
import io.rebound.codec.Push;
import io.rebound.codec.Request;
import io.rebound.codec.Result;
import io.rebound.core.ClientInfo;
import io.rebound.core.Payload;
import io.rebound.core.Publication;
import io.rebound.core.StreamPosition;
import io.rebound.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Protobuf codec against an independent implementation of Centrifugo's {@code client.proto}:
 * the classes protoc generated for centrifuge-java (its {@code internal.protocol.Protocol}). What
 * they encode must decode to the same requests; what the codec encodes they must read back with
 * the same values. Rebound's extension fields are checked by hand (the generated classes skip them
 * as unknown fields, which is the point of putting them at 1000+).
 */
class ProtobufCodecTest {

  private final ProtobufCodec codec = ProtobufCodec.INSTANCE;

  private static Buffer frame(MessageLite... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (MessageLite m : messages) m.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  private static List<Protocol.Reply> replies(Buffer frame) {
    List<Protocol.Reply> out = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(frame.getBytes());
    try {
      Protocol.Reply r;
      while ((r = Protocol.Reply.parseDelimitedFrom(in)) != null) out.add(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Protocol.Reply reply(Buffer frame) {
    List<Protocol.Reply> all = replies(frame);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  // ---- commands ----------------------------------------------------------------------------------

  @Test
  void decodesEveryCommandOfAFrameInOrder() {
    Buffer frame = frame(
        Protocol.Command.newBuilder().setId(1).setConnect(Protocol.ConnectRequest.newBuilder()
            .setToken("jwt").setData(utf8("{\"a\":1}")).setName("app").setVersion("1.0")
            .putSubs("srv:news", Protocol.SubscribeRequest.newBuilder().setRecover(true).setOffset(41).setEpoch("e1").build())).build(),
        Protocol.Command.newBuilder().setId(2).setSubscribe(Protocol.SubscribeRequest.newBuilder()
            .setChannel("chat").setToken("t").setRecover(true).setOffset(7).setEpoch("ep").setData(utf8("\"x\""))
            .setPositioned(true).setRecoverable(true).setJoinLeave(true)).build(),
        Protocol.Command.newBuilder().setId(3).setPublish(Protocol.PublishRequest.newBuilder()
            .setChannel("chat").setData(ByteString.copyFrom(new byte[] {1, 2, (byte) 0xFF}))).build(),
        Protocol.Command.newBuilder().setId(4).setHistory(Protocol.HistoryRequest.newBuilder()
            .setChannel("chat").setLimit(-1).setReverse(true)
            .setSince(Protocol.StreamPosition.newBuilder().setOffset(5).setEpoch("ep"))).build(),
        Protocol.Command.newBuilder().setId(5).setPing(Protocol.PingRequest.getDefaultInstance()).build(),
        Protocol.Command.getDefaultInstance());

    List<ClientCommand> commands = codec.decode(frame);

    assertThat(commands).hasSize(6);
    Request.Connect connect = (Request.Connect) commands.get(0).request();
    assertThat(commands.get(0).id()).isEqualTo(1);
    assertThat(connect.token()).isEqualTo("jwt");
    assertThat(connect.data()).isEqualTo("{\"a\":1}");
    assertThat(connect.name()).isEqualTo("app");
    assertThat(connect.version()).isEqualTo("1.0");
    assertThat(connect.subs()).containsEntry("srv:news", new Request.SubPosition(true, 41, "e1"));
    assertThat(connect.sync()).as("sync defaults to true").isTrue();
    assertThat(connect.discontinuity()).isFalse();
    assertThat(connect.resume()).isNull();
    assertThat(commands.get(1).request()).isEqualTo(new Request.Subscribe("chat", "t", true, 7, "ep", true, true, true, "\"x\""));
    Request.Publish publish = (Request.Publish) commands.get(2).request();
    assertThat(publish.data().bytes()).containsExactly(1, 2, 0xFF);
    assertThat(publish.data().json()).isFalse();
    assertThat(commands.get(3).request()).isEqualTo(new Request.History("chat", -1, new StreamPosition(5, "ep"), null, true, false));
    assertThat(commands.get(4).request()).isEqualTo(new Request.Ping());
    assertThat(commands.get(5).isPong()).as("the empty command is the pong").isTrue();
  }

  @Test
  void decodesTheRemainingRequests() {
    List<ClientCommand> c = codec.decode(frame(
        Protocol.Command.newBuilder().setId(1).setUnsubscribe(Protocol.UnsubscribeRequest.newBuilder().setChannel("a")).build(),
        Protocol.Command.newBuilder().setId(2).setPresence(Protocol.PresenceRequest.newBuilder().setChannel("b")).build(),
        Protocol.Command.newBuilder().setId(3).setPresenceStats(Protocol.PresenceStatsRequest.newBuilder().setChannel("c")).build(),
        Protocol.Command.newBuilder().setId(4).setRefresh(Protocol.RefreshRequest.newBuilder().setToken("t1")).build(),
        Protocol.Command.newBuilder().setId(5).setSubRefresh(Protocol.SubRefreshRequest.newBuilder().setChannel("d").setToken("t2")).build(),
        Protocol.Command.newBuilder().setId(6).setRpc(Protocol.RPCRequest.newBuilder().setMethod("m").setData(utf8("{}"))).build(),
        Protocol.Command.newBuilder().setSend(Protocol.SendRequest.newBuilder().setData(utf8("[1]"))).build(),
        Protocol.Command.newBuilder().setId(8).setPublish(Protocol.PublishRequest.newBuilder().setChannel("e").setData(utf8("{\"n\":1}"))).build()));
    assertThat(c.stream().map(ClientCommand::request).toList()).containsExactly(
        new Request.Unsubscribe("a"), new Request.Presence("b"), new Request.PresenceStats("c"), new Request.Refresh("t1"),
        new Request.SubRefresh("d", "t2"), new Request.Rpc("m", "{}"), new Request.Send("[1]"),
        new Request.Publish("e", Payload.json("{\"n\":1}"), null));
    assertThat(((Request.Publish) c.get(7).request()).data().json()).as("JSON bytes stay deliverable to JSON clients").isTrue();
  }

  @Test
  void decodesReboundExtensionFields() {
    ProtoSink.Body connect = b -> {
      b.string(1, "jwt");
      b.explicitUint64(ReboundFields.CONNECT_SYNC, 0);
      b.bool(ReboundFields.CONNECT_DISCONTINUITY, true);
      b.uint64(ReboundFields.CONNECT_RESUME_WINDOW, 30_000);
      b.message(ReboundFields.CONNECT_RESUME, r -> {
        r.string(ReboundFields.RESUME_SESSION, "s1");
        r.explicitUint64(ReboundFields.RESUME_RECEIVED, 0);
      });
    };
    ProtoSink.Body publish = b -> {
      b.string(1, "ch");
      b.bytes(2, "1".getBytes(StandardCharsets.UTF_8));
      b.string(ReboundFields.PUBLISH_IDEMPOTENCY_KEY, "k1");
    };
    ProtoSink.Body history = b -> {
      b.string(1, "ch");
      b.bool(ReboundFields.HISTORY_UNTIL_ATTACH, true);
    };
    Buffer frame = Buffer.buffer()
        .appendBuffer(ProtobufReplies.delimited(c -> { c.uint64(1, 1); c.message(4, connect); }))
        .appendBuffer(ProtobufReplies.delimited(c -> { c.uint64(1, 2); c.message(7, publish); }))
        .appendBuffer(ProtobufReplies.delimited(c -> { c.uint64(1, 3); c.message(10, history); }));

    List<ClientCommand> c = codec.decode(frame);

    assertThat(c.get(0).request()).isEqualTo(new Request.Connect("jwt", null, null, null, Map.of(), false, true, 30_000,
        new Request.Resume("s1", 0)));
    assertThat(((Request.Publish) c.get(1).request()).idempotencyKey()).isEqualTo("k1");
    assertThat(((Request.History) c.get(2).request()).untilAttach()).isTrue();
  }

  @Test
  void commandWithTwoRequestsIsRefused() {
    Buffer frame = ProtobufReplies.delimited(c -> {
      c.uint64(1, 1);
      c.message(11, p -> {});
      c.message(6, u -> u.string(1, "a"));
    });
    assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(BadFrameException.class).hasMessageContaining("more than one request");
  }

  @Test
  void unknownFieldsAreSkipped() {
    Buffer frame = ProtobufReplies.delimited(c -> {
      c.uint64(1, 9);
      c.uint64(99, 5); // a future varint field
      c.string(100, "future");
      c.message(6, u -> {
        u.string(1, "a");
        u.tag(7, ProtoSink.FIXED32);
        u.raw(new byte[4], 0, 4);
        u.tag(8, ProtoSink.FIXED64);
        u.raw(new byte[8], 0, 8);
      });
    });
    assertThat(codec.decode(frame)).containsExactly(new ClientCommand(9, new Request.Unsubscribe("a")));
  }

  @Test
  void emptyFrameHoldsNoCommand() {
    assertThat(codec.decode(Buffer.buffer())).isEmpty();
  }

  @Test
  void malformedFramesAreProtocolErrors() {
    List<byte[]> bad = List.of(
        new byte[] {5, 8},                                // length past the end
        new byte[] {(byte) 0x80},                        // truncated delimiter
        new byte[] {2, 8, (byte) 0x80},                  // truncated varint inside
        new byte[] {3, 0x0B, 0, 0x0C},                   // a group (wire type 3)
        new byte[] {2, 0x0F, 0},                         // wire type 7
        new byte[] {2, 0x00, 1},                         // field number 0
        new byte[] {4, 0x22, 5, 0x0A, 0},                // connect whose length runs past the command
        new byte[] {12, 8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 1});                // an 11-byte varint
    for (byte[] b : bad) {
      assertThatThrownBy(() -> codec.decode(Buffer.buffer(b))).as("frame %s", java.util.Arrays.toString(b))
          .isInstanceOf(BadFrameException.class);
    }
    assertThatThrownBy(() -> codec.decode("{}")).isInstanceOf(BadFrameException.class);
  }

  /** Random bytes and mutations of valid frames: decoded or refused with BadFrameException, nothing else. */
  @Test
  void garbageNeverCrashesTheDecoder() {
    Random random = new Random(13);
    byte[] valid = frame(
        Protocol.Command.newBuilder().setId(1).setConnect(Protocol.ConnectRequest.newBuilder().setToken("jwt")
            .putSubs("a", Protocol.SubscribeRequest.newBuilder().setOffset(3).build())).build(),
        Protocol.Command.newBuilder().setId(2).setHistory(Protocol.HistoryRequest.newBuilder().setChannel("c")
            .setSince(Protocol.StreamPosition.newBuilder().setOffset(1))).build()).getBytes();
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      if (i % 2 == 0) {
        b = new byte[random.nextInt(64)];
        random.nextBytes(b);
      } else {
        b = valid.clone();
        for (int k = 0; k < 1 + random.nextInt(3); k++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      try {
        codec.decode(Buffer.buffer(b));
      } catch (BadFrameException expected) {
        // refused: the session closes with 3501
      }
    }
  }

  // ---- replies and pushes ------------------------------------------------------------------------

  @Test
  void connectReplyReadsBackWithTheGeneratedClasses() {
    Result.Subscribe srv = new Result.Subscribe(true, true, "ep", 12, true, true,
        List.of(new Publication(12, "{\"n\":12}", null, null)), null, null);
    Result.Connect result = new Result.Connect("c1", "0.1.0", 300L, "sess", 60_000, 25L, true, true, 0L, Map.of("srv:a", srv));

    Protocol.Reply r = reply(codec.reply(1, result));

    assertThat(r.getId()).isEqualTo(1);
    Protocol.ConnectResult c = r.getConnect();
    assertThat(c.getClient()).isEqualTo("c1");
    assertThat(c.getVersion()).isEqualTo("0.1.0");
    assertThat(c.getExpires()).isTrue();
    assertThat(c.getTtl()).isEqualTo(300);
    assertThat(c.getPing()).isEqualTo(25);
    assertThat(c.getPong()).isTrue();
    assertThat(c.getSession()).as("Centrifugo's session is the emulation session, not the resume extension's").isEmpty();
    Protocol.SubscribeResult s = c.getSubsMap().get("srv:a");
    assertThat(s.getRecoverable()).isTrue();
    assertThat(s.getPositioned()).isTrue();
    assertThat(s.getEpoch()).isEqualTo("ep");
    assertThat(s.getOffset()).isEqualTo(12);
    assertThat(s.getWasRecovering()).isTrue();
    assertThat(s.getRecovered()).isTrue();
    assertThat(s.getPublicationsList()).hasSize(1);
    assertThat(s.getPublications(0).getData().toStringUtf8()).isEqualTo("{\"n\":12}");

    // The extension fields, read by hand.
    Map<Integer, Object> ext = extensionFields(codec.reply(1, result).getBytes(), 5);
    assertThat(ext).containsEntry(ReboundFields.RESULT_RESUME_SESSION, "sess")
        .containsEntry(ReboundFields.RESULT_RESUME_WINDOW, 60_000L)
        .containsEntry(ReboundFields.RESULT_RESUMED, 1L)
        .containsEntry(ReboundFields.RESULT_LAST_COMMAND, 0L);
  }

  /** An emulated connection's SDK posts its commands with the session and node of the connect reply: without them it cannot subscribe. */
  @Test
  void emulatedConnectReplyNamesSessionNodeAndCustomData() {
    Result.Connect result = new Result.Connect("c1", "0.1.0", null, null, 0, 25L, true, null, null, Map.of())
        .forTransport("stream-1", "node-a", true).withData("{\"motd\":1}");
    Protocol.ConnectResult c = reply(codec.reply(1, result)).getConnect();
    assertThat(c.getSession()).isEqualTo("stream-1");
    assertThat(c.getNode()).isEqualTo("node-a");
    assertThat(c.getData().toStringUtf8()).isEqualTo("{\"motd\":1}");
  }

  /** The fields numbered 1000 and up of the reply's result in field {@code resultField}: the resume session as String, the rest as Long. */
  private static Map<Integer, Object> extensionFields(byte[] delimitedReply, int resultField) {
    ProtoReader frame = new ProtoReader(delimitedReply, 0, delimitedReply.length);
    int length = frame.delimiter();
    ProtoReader reply = new ProtoReader(delimitedReply, frame.position(), frame.position() + length);
    Map<Integer, Object> out = new java.util.HashMap<>();
    while (reply.hasMore()) {
      int field = reply.nextField();
      if (field != resultField) {
        reply.skip();
        continue;
      }
      ProtoReader result = reply.message();
      while (result.hasMore()) {
        int f = result.nextField();
        if (f < 1000) result.skip();
        else if (f == ReboundFields.RESULT_RESUME_SESSION) out.put(f, result.string());
        else out.put(f, result.uint64());
      }
    }
    return out;
  }

  @Test
  void publicationPushCarriesTheBytesAsTheyAre() {
    byte[] binary = {0, 1, 2, (byte) 0xFE};
    Publication p = new Publication(7, Payload.of(binary, false), new ClientInfo("u1", "c1", "{\"x\":1}", null), Map.of("k", "v"));

    Protocol.Reply r = reply(codec.push(new Push.Pub("ch", p)));

    assertThat(r.getId()).isZero();
    assertThat(r.getPush().getChannel()).isEqualTo("ch");
    Protocol.Publication pub = r.getPush().getPub();
    assertThat(pub.getData().toByteArray()).isEqualTo(binary);
    assertThat(pub.getOffset()).isEqualTo(7);
    assertThat(pub.getInfo().getUser()).isEqualTo("u1");
    assertThat(pub.getInfo().getClient()).isEqualTo("c1");
    assertThat(pub.getInfo().getConnInfo().toStringUtf8()).isEqualTo("{\"x\":1}");
    assertThat(pub.getTagsMap()).containsExactly(Map.entry("k", "v"));

    Protocol.Reply json = reply(codec.push(new Push.Pub("ch", Publication.of("{\"text\":\"héllo 😀\"}"))));
    assertThat(json.getPush().getPub().getData().toStringUtf8()).as("JSON reaches Protobuf clients as its bytes")
        .isEqualTo("{\"text\":\"héllo 😀\"}");
  }

  @Test
  void otherPushesReadBack() {
    ClientInfo info = new ClientInfo("u", "c", null, "{\"ch\":true}");
    assertThat(reply(codec.push(new Push.Join("ch", info))).getPush().getJoin().getInfo().getChanInfo().toStringUtf8()).isEqualTo("{\"ch\":true}");
    assertThat(reply(codec.push(new Push.Leave("ch", info))).getPush().getLeave().getInfo().getUser()).isEqualTo("u");
    Protocol.Unsubscribe u = reply(codec.push(new Push.Unsubscribe("ch", 2500, "insufficient state"))).getPush().getUnsubscribe();
    assertThat(u.getCode()).isEqualTo(2500);
    assertThat(u.getReason()).isEqualTo("insufficient state");
    Protocol.Subscribe s = reply(codec.push(new Push.Subscribe("srv", new Result.Subscribe(true, true, "ep", 3, false, false, List.of(), "{\"d\":1}", null))))
        .getPush().getSubscribe();
    assertThat(s.getRecoverable()).isTrue();
    assertThat(s.getPositioned()).isTrue();
    assertThat(s.getEpoch()).isEqualTo("ep");
    assertThat(s.getOffset()).isEqualTo(3);
    assertThat(s.getData().toStringUtf8()).isEqualTo("{\"d\":1}");
    Protocol.Reply d = reply(codec.push(new Push.Discontinuity("ch", "gap", new StreamPosition(4, "e"), new StreamPosition(9, "e"))));
    assertThat(d.getPush().getChannel()).as("an SDK without the extension sees an empty push of its channel").isEqualTo("ch");
  }

  /** Streams without a close frame (http_stream) end with this push; the SDK reads code and reason from it. */
  @Test
  void disconnectPushReadsBackWithCodeAndReasonAndNoChannel() {
    Protocol.Push push = reply(codec.push(new Push.Disconnect(3001, "shutdown"))).getPush();
    assertThat(push.hasDisconnect()).isTrue();
    assertThat(push.getDisconnect().getCode()).isEqualTo(3001);
    assertThat(push.getDisconnect().getReason()).isEqualTo("shutdown");
    assertThat(push.getChannel()).isEmpty();
  }

  @Test
  void everyResultReadsBack() {
    ClientInfo info = new ClientInfo("u", "c", "{\"i\":1}", null);
    Protocol.HistoryResult h = reply(codec.reply(2, new Result.History(List.of(Publication.of("1").withOffset(4), Publication.of("2").withOffset(5)),
        new StreamPosition(5, "ep")))).getHistory();
    assertThat(h.getPublicationsList()).extracting(Protocol.Publication::getOffset).containsExactly(4L, 5L);
    assertThat(h.getEpoch()).isEqualTo("ep");
    assertThat(h.getOffset()).isEqualTo(5);
    assertThat(reply(codec.reply(3, new Result.Presence(Map.of("c", info)))).getPresence().getPresenceMap().get("c").getUser()).isEqualTo("u");
    Protocol.PresenceStatsResult ps = reply(codec.reply(4, new Result.PresenceStats(3, 2))).getPresenceStats();
    assertThat(ps.getNumClients()).isEqualTo(3);
    assertThat(ps.getNumUsers()).isEqualTo(2);
    Protocol.RefreshResult rf = reply(codec.reply(5, new Result.Refresh("c", "v", 60L))).getRefresh();
    assertThat(rf.getClient()).isEqualTo("c");
    assertThat(rf.getExpires()).isTrue();
    assertThat(rf.getTtl()).isEqualTo(60);
    assertThat(reply(codec.reply(6, new Result.SubRefresh(30L))).getSubRefresh().getTtl()).isEqualTo(30);
    assertThat(reply(codec.reply(7, Result.Empty.UNSUBSCRIBE)).hasUnsubscribe()).isTrue();
    assertThat(reply(codec.reply(8, Result.Empty.PUBLISH)).hasPublish()).as("an empty result is a present field").isTrue();
    assertThat(reply(codec.reply(9, Result.Empty.PING)).hasPing()).isTrue();
    Protocol.SubscribeResult sub = reply(codec.reply(10, Result.Subscribe.PLAIN)).getSubscribe();
    assertThat(sub.getRecoverable()).isFalse();
  }

  @Test
  void errorReplyCarriesCodeMessageAndTemporary() {
    Protocol.Error e = reply(codec.error(3, ErrorCode.TOO_MANY_REQUESTS.exception())).getError();
    assertThat(e.getCode()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS.code);
    assertThat(e.getMessage()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS.message);
    assertThat(e.getTemporary()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS.temporary);
    assertThat(reply(codec.error(4, ErrorCode.PERMISSION_DENIED.exception())).getError().getCode()).isEqualTo(103);
  }

  @Test
  void pingIsTheEmptyReplyAndMessagesJoinByConcatenation() {
    assertThat(codec.ping().getBytes()).containsExactly(0);
    assertThat(reply(codec.ping())).isEqualTo(Protocol.Reply.getDefaultInstance());
    Buffer a = codec.reply(1, Result.Empty.PING);
    Buffer b = codec.push(new Push.Pub("ch", Publication.of("{}")));
    assertThat(codec.join(List.of(a))).isSameAs(a);
    List<Protocol.Reply> both = replies(codec.join(List.of(a, codec.ping(), b)));
    assertThat(both).hasSize(3);
    assertThat(both.get(0).getId()).isEqualTo(1);
    assertThat(both.get(1)).isEqualTo(Protocol.Reply.getDefaultInstance());
    assertThat(both.get(2).getPush().getChannel()).isEqualTo("ch");
  }

  @Test
  void stringsWithUnpairedSurrogatesKeepTheirCountedLength() {
    String odd = "a\uD800b\u00e9\uD83D\uDE00";
    Protocol.Reply r = reply(codec.push(new Push.Unsubscribe(odd, 2000, odd)));
    assertThat(r.getPush().getChannel()).isEqualTo("a\uFFFDb\u00e9\uD83D\uDE00");
  }
}
