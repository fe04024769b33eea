package io.rebound.engine;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rebound.core.ClientInfo;
import io.rebound.core.Publication;
import io.rebound.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link Broadcaster} must meet (see its Javadoc), checked the way edges use it:
 * every node has {@link #RECEIVERS_PER_NODE} receivers (as a node has several edges, each on an event
 * loop of its own), which take their interest in the channels they want ({@link
 * Broadcaster#interest}, as the edges' hubs do), and every node publishes. Routing by interest is
 * part of the contract: what a receiver declared reaches it as soon as the declaration completed,
 * and messages of a channel a receiver did not declare never reach it, from its own node or another. Each implementation's test class extends this
 * one and supplies {@link #startNodes(Vertx)}: one node for the single-node event bus, several for a
 * cluster or Redis. Nothing here knows which implementation runs.
 */
@ExtendWith(VertxExtension.class)
public abstract class BroadcasterContractTest {

  /** Like the several edge verticles of one node. */
  protected static final int RECEIVERS_PER_NODE = 2;
  protected static final Duration DELIVERY = Duration.ofSeconds(30);

  /** One node: its Vert.x, its broadcaster, and how to stop what the test started for it. */
  public record BroadcastNode(Vertx vertx, Broadcaster broadcaster, Supplier<Future<Void>> stop) {}

  /** One receiver of node {@code node}, on {@code context}, and what it received, in arrival order. */
  public static final class Inbox implements FanoutReceiver {
    private final int node;
    private final Context context;
    private final List<FanoutMessage> messages = new CopyOnWriteArrayList<>();

    public Inbox(int node, Context context) {
      this.node = node;
      this.context = context;
    }

    public int node() {
      return node;
    }

    @Override
    public Context context() {
      return context;
    }

    public List<FanoutMessage> messages() {
      return messages;
    }

    @Override
    public void onFanout(FanoutMessage message) {
      messages.add(message);
    }
  }

  protected List<BroadcastNode> nodes;
  protected final List<Inbox> inboxes = new ArrayList<>();

  /** The nodes, ready to publish; called once per test. {@code vertx} is the test's own instance. */
  protected abstract Future<List<BroadcastNode>> startNodes(Vertx vertx);

  @BeforeEach
  void startNodesAndReceivers(Vertx vertx) {
    nodes = result(startNodes(vertx), 60);
    for (int n = 0; n < nodes.size(); n++) {
      for (int c = 0; c < RECEIVERS_PER_NODE; c++) {
        Vertx node = nodes.get(n).vertx();
        inboxes.add(new Inbox(n, node.getOrCreateContext()));
      }
    }
  }

  private List<Inbox> inboxesOf(int node) {
    return inboxes.stream().filter(i -> i.node() == node).toList();
  }

  /**
   * Every node takes an interest in {@code channel} (as many references as it has consumers, as its
   * edges would) and the call returns once each interest completed: from then on every node must get
   * the channel's messages, with no probing and no waiting.
   */
  protected void interestEverywhere(String channel) {
    for (int n = 0; n < nodes.size(); n++) interestOn(n, channel);
  }

  /** Every receiver of node {@code n} takes an interest in {@code channel}; returns once they are routed. */
  protected void interestOn(int n, String channel) {
    List<Future<Void>> routed = new ArrayList<>();
    for (Inbox inbox : inboxesOf(n)) routed.add(nodes.get(n).broadcaster().interest(channel, inbox));
    result(Future.all(routed), 30);
  }

  @AfterEach
  void stopNodes() {
    if (nodes != null) for (BroadcastNode node : nodes) result(node.stop().get(), 30);
  }

  /** Channel names unique per test, so implementations with shared state need no cleanup. */
  protected static String channel() {
    return "fanout:" + UUID.randomUUID();
  }

  protected static FanoutMessage publication(String channel, long offset, String epoch) {
    return FanoutMessage.publication(channel, new Publication(offset, "{\"offset\":" + offset + "}", null, null), epoch);
  }

  /**
   * Publishes {@code messages} one after another from one context of {@code node}, as the node's API
   * verticle does; completes when every publish has.
   */
  protected static Future<Void> publishInOrder(BroadcastNode node, List<FanoutMessage> messages) {
    Context context = node.vertx().getOrCreateContext();
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> published = new ArrayList<>(messages.size());
      for (FanoutMessage m : messages) published.add(node.broadcaster().publish(m));
      Future.all(published).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  protected static List<FanoutMessage> on(Inbox inbox, String channel) {
    return inbox.messages().stream().filter(m -> m.channel().equals(channel)).toList();
  }

  protected void awaitEveryInbox(String what, String channel, int count) {
    try {
      Await.until(what, DELIVERY, () -> inboxes.stream().allMatch(i -> on(i, channel).size() >= count));
    } catch (AssertionError timedOut) {
      List<Integer> got = inboxes.stream().map(i -> on(i, channel).size()).toList();
      throw new AssertionError(timedOut.getMessage() + ": " + count + " wanted, receivers got " + got, timedOut);
    }
  }

  @Test
  void everyReceiverOnEveryNodeGetsEachMessageOnce() {
    String ch = channel();
    interestEverywhere(ch);
    int perNode = 20;
    List<Future<Void>> published = new ArrayList<>();
    for (int n = 0; n < nodes.size(); n++) {
      List<FanoutMessage> batch = new ArrayList<>();
      for (int i = 1; i <= perNode; i++) batch.add(publication(ch, i, "node-" + n));
      published.add(publishInOrder(nodes.get(n), batch));
    }
    result(Future.all(published), 30);
    int total = perNode * nodes.size();
    awaitEveryInbox("every message on every consumer", ch, total);
    // A last message per publisher behind the rest of the channel: once it is in, a duplicate of an
    // earlier one would have arrived before it (order per publisher and channel).
    String end = "end";
    for (int n = 0; n < nodes.size(); n++) result(publishInOrder(nodes.get(n), List.of(publication(ch, perNode + 1, end + n))));
    awaitEveryInbox("the last messages", ch, total + nodes.size());
    for (Inbox inbox : inboxes) {
      List<String> seen = on(inbox, ch).stream().map(m -> m.epoch() + "/" + m.offset()).toList();
      assertThat(seen).as("receiver on node %d", inbox.node()).doesNotHaveDuplicates().hasSize(total + nodes.size());
    }
  }

  @Test
  void messagesOfOnePublisherOnOneChannelArriveInPublishOrder() {
    String ordered = channel();
    interestEverywhere(ordered);
    int n = 500;
    List<Future<Void>> published = new ArrayList<>();
    for (int p = 0; p < nodes.size(); p++) {
      List<FanoutMessage> batch = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        batch.add(publication(ordered, i, "publisher-" + p));
        batch.add(publication(ordered + "-other-" + (i % 7), i, "publisher-" + p)); // other channels in between
      }
      published.add(publishInOrder(nodes.get(p), batch));
    }
    result(Future.all(published), 60);
    awaitEveryInbox("every ordered message", ordered, n * nodes.size());
    List<Long> expected = LongStream.rangeClosed(1, n).boxed().toList();
    for (Inbox inbox : inboxes) {
      for (int p = 0; p < nodes.size(); p++) {
        String publisher = "publisher-" + p;
        assertThat(on(inbox, ordered).stream().filter(m -> m.epoch().equals(publisher)).map(FanoutMessage::offset).toList())
            .as("from %s on a receiver of node %d", publisher, inbox.node()).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void everyKindArrivesExactlyAsSent() {
    String ch = channel();
    interestEverywhere(ch);
    ClientInfo who = new ClientInfo("user-é", "client-1", "{\"conn\":\"😀\"}", null);
    List<FanoutMessage> sent = List.of(
        FanoutMessage.join(ch, who),
        FanoutMessage.publication(ch, new Publication(7, "{\"x\":\"é\"}", who, Map.of("k", "v")), "ep0ch"),
        FanoutMessage.publication(ch, Publication.of("{}"), ""),
        FanoutMessage.leave(ch, who),
        FanoutMessage.publication(ch, new Publication(Long.MAX_VALUE, "[1,2]", null, null), "é😀"));
    result(publishInOrder(nodes.get(nodes.size() - 1), sent));
    awaitEveryInbox("every kind", ch, sent.size());
    for (Inbox inbox : inboxes) {
      List<FanoutMessage> got = on(inbox, ch);
      assertThat(got).as("node %d", inbox.node()).containsExactlyElementsOf(sent); // value equality: every field
      for (int i = 0; i < sent.size(); i++) {
        assertThat(got.get(i).encode().getBytes()).as("message %d on node %d", i, inbox.node()).isEqualTo(sent.get(i).encode().getBytes());
      }
    }
  }

  @Test
  void aLargePublicationArrivesWhole() {
    String ch = channel();
    interestEverywhere(ch);
    StringBuilder big = new StringBuilder(1 << 20).append("{\"blob\":\"");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (big.length() < (1 << 20)) big.append((char) ('a' + random.nextInt(26)));
    String data = big.append("\"}").toString();
    FanoutMessage sent = FanoutMessage.publication(ch, new Publication(1, data, null, null), "e");
    result(publishInOrder(nodes.get(0), List.of(sent)));
    awaitEveryInbox("the large publication", ch, 1);
    for (Inbox inbox : inboxes) {
      FanoutMessage got = on(inbox, ch).get(0);
      assertThat(got.publication().data().text()).as("node %d", inbox.node()).isEqualTo(data);
    }
  }

  @Test
  void aNodeReceivesOnlyTheChannelsItDeclaredInterestIn() {
    assumeTrue(nodes.size() >= 3, "needs a publisher, an interested node and an uninterested one");
    String wanted = channel();
    String fence = channel();
    interestOn(0, wanted);
    interestEverywhere(fence);
    BroadcastNode publisher = nodes.get(nodes.size() - 1);
    long clusterBefore = nodes.get(1).broadcaster().received().clusterTotal();
    List<FanoutMessage> batch = new ArrayList<>();
    for (int i = 1; i <= 50; i++) batch.add(publication(wanted, i, "e"));
    batch.add(publication(fence, 1, "e")); // behind the rest on the same connection to every node
    result(publishInOrder(publisher, batch));
    awaitEveryInbox("the fence", fence, 1);
    Await.until("the interested node's messages", DELIVERY,
        () -> inboxes.stream().filter(i -> i.node() == 0).allMatch(i -> on(i, wanted).size() == 50));
    for (Inbox inbox : inboxes) {
      if (inbox.node() != 0) {
        assertThat(on(inbox, wanted)).as("receiver on node %d, which has no interest (the publisher's included)", inbox.node()).isEmpty();
      }
    }
    assertThat(nodes.get(1).broadcaster().received().clusterTotal() - clusterBefore)
        .as("messages node 1 received from the transport: the fence only").isEqualTo(1);
  }

  @Test
  void anInterestIsRoutedEverywhereWhenItCompletesEvenWhereThePublisherKnewTheChannel() {
    assumeTrue(nodes.size() >= 2, "needs a publisher and another node");
    for (int round = 0; round < 20; round++) {
      String ch = channel();
      interestOn(0, ch); // the publisher's view of the channel now exists, without node 1
      result(publishInOrder(nodes.get(0), List.of(publication(ch, 1, "e"))));
      interestOn(1, ch);
      // No probing, no retry: the interest completed, so the very next publication must arrive.
      result(publishInOrder(nodes.get(0), List.of(publication(ch, 2, "e"))));
      int r = round;
      try {
        Await.until("the publication right after the interest, round " + r, DELIVERY,
            () -> inboxes.stream().filter(i -> i.node() == 1).allMatch(i -> on(i, ch).stream().anyMatch(m -> m.offset() == 2)));
      } catch (AssertionError lost) {
        throw new AssertionError("round " + r + ": node 1 got " + inboxes.stream().filter(i -> i.node() == 1).map(i -> on(i, ch)).toList(), lost);
      }
    }
  }

  @Test
  void aReleasedInterestComesBackRouted() {
    String ch = channel();
    interestEverywhere(ch);
    for (Inbox inbox : inboxes) nodes.get(inbox.node()).broadcaster().release(ch, inbox);
    interestEverywhere(ch); // within the linger: the registration is reused
    result(publishInOrder(nodes.get(0), List.of(publication(ch, 1, "e"))));
    awaitEveryInbox("the publication after release and interest", ch, 1);
  }

  @Test
  void aReceiverGetsOnlyTheChannelsItHoldsAnInterestIn() {
    // On one node as between nodes: the publishing node's own receivers without an interest get nothing.
    String wanted = channel();
    String other = channel();
    Inbox interested = inboxesOf(0).get(0);
    Inbox uninterested = inboxesOf(0).get(1);
    result(nodes.get(0).broadcaster().interest(wanted, interested), 30);
    result(nodes.get(0).broadcaster().interest(other, uninterested), 30);
    result(publishInOrder(nodes.get(0), List.of(publication(wanted, 1, "e"), publication(other, 1, "e"))));
    Await.until("each channel at its receiver", DELIVERY, () -> on(interested, wanted).size() == 1 && on(uninterested, other).size() == 1);
    assertThat(on(uninterested, wanted)).as("a channel the receiver holds no interest in").isEmpty();
    assertThat(on(interested, other)).as("a channel the receiver holds no interest in").isEmpty();
  }

  @Test
  void aReleasedReceiverGetsNoMoreOfTheChannel() {
    String ch = channel();
    String fence = channel();
    Inbox leaving = inboxesOf(0).get(0);
    Inbox staying = inboxesOf(0).get(1);
    result(nodes.get(0).broadcaster().interest(ch, leaving), 30);
    result(nodes.get(0).broadcaster().interest(ch, staying), 30);
    result(nodes.get(0).broadcaster().interest(fence, leaving), 30);
    result(publishInOrder(nodes.get(0), List.of(publication(ch, 1, "e"))));
    Await.until("the first publication at both", DELIVERY, () -> on(leaving, ch).size() == 1 && on(staying, ch).size() == 1);

    nodes.get(0).broadcaster().release(ch, leaving);
    // The fence follows the second publication from the same context: once it is in, the other would be.
    result(publishInOrder(nodes.get(0), List.of(publication(ch, 2, "e"), publication(fence, 1, "e"))));
    Await.until("the fence, and the second publication at the receiver that stayed", DELIVERY,
        () -> on(leaving, fence).size() == 1 && on(staying, ch).size() == 2);
    assertThat(on(leaving, ch)).as("after its release").hasSize(1);
  }
}
