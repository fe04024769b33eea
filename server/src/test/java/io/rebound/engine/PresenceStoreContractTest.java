package io.rebound.engine;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.ClientInfo;
import io.rebound.engine.PresenceStore.PresenceStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link PresenceStore} must meet (see its Javadoc). Each store's test class
 * extends this one and supplies {@link #newStore(Vertx)}; a clustered store also supplies {@link
 * #storeOnAnotherNode()}, so the suite checks that every node sees every member. Nothing here knows
 * which store runs.
 */
@ExtendWith(VertxExtension.class)
public abstract class PresenceStoreContractTest {

  protected PresenceStore store;
  protected Vertx vertx;

  /** A ready store; called once per test. */
  protected abstract Future<PresenceStore> newStore(Vertx vertx);

  /**
   * A store of another node sharing {@link #store}'s state, or null for a store that answers for its
   * own node only (memory): the cross-node tests then do not apply. Called at most once per test,
   * after {@link #newStore}; the subclass closes it.
   */
  protected PresenceStore storeOnAnotherNode() {
    return null;
  }

  @BeforeEach
  void startStore(Vertx vertx) {
    this.vertx = vertx;
    store = result(newStore(vertx), 60);
  }

  @AfterEach
  void closeStore() {
    if (store != null) result(store.close());
  }

  /** Channel names unique per test, so stores with shared state (Redis, a cluster) need no cleanup. */
  protected static String channel() {
    return "presence:" + UUID.randomUUID();
  }

  protected static ClientInfo info(String user, String client) {
    return new ClientInfo(user, client, null, null);
  }

  protected void add(String channel, ClientInfo info) {
    result(store.add(channel, info));
  }

  protected void remove(String channel, String client) {
    result(store.remove(channel, client));
  }

  protected Map<String, ClientInfo> get(String channel) {
    return result(store.get(channel));
  }

  protected PresenceStats stats(String channel) {
    return result(store.stats(channel));
  }

  @Test
  void aChannelNobodyIsInReadsAsEmpty() {
    String ch = channel();
    assertThat(get(ch)).isEmpty();
    assertThat(stats(ch)).isEqualTo(new PresenceStats(0, 0));
  }

  @Test
  void aMemberReadsBackWithTheInfoItWasAddedWith() {
    String ch = channel();
    ClientInfo bare = new ClientInfo("alice", "c1", null, null);
    ClientInfo full = new ClientInfo("bob", "c2", "{\"name\":\"Bob\",\"n\":1.50}", "{\"role\":\"admin\"}");
    // Characters a separator-joined encoding would get wrong: NUL, the separators of other formats, non-ASCII.
    ClientInfo odd = new ClientInfo("u\u0000:}{%é😀", "c\u00003:x", "\"\u0000\"", "");
    add(ch, bare);
    add(ch, full);
    add(ch, odd);
    assertThat(get(ch)).containsOnly(Map.entry("c1", bare), Map.entry("c2", full), Map.entry(odd.client(), odd));
    assertThat(get(ch).get("c1").connInfo()).isNull();
    assertThat(get(ch).get(odd.client()).chanInfo()).isEmpty();
  }

  @Test
  void addingAgainIsIdempotentAndKeepsTheLatestInfo() {
    String ch = channel();
    add(ch, info("alice", "c1"));
    add(ch, info("alice", "c1"));
    assertThat(get(ch)).containsOnlyKeys("c1");
    ClientInfo updated = new ClientInfo("alice", "c1", "{\"v\":2}", null);
    add(ch, updated);
    assertThat(get(ch)).containsOnly(Map.entry("c1", updated));
    assertThat(stats(ch)).isEqualTo(new PresenceStats(1, 1));
  }

  @Test
  void aRemovedClientIsAbsentAndNotCounted() {
    String ch = channel();
    add(ch, info("alice", "c1"));
    add(ch, info("bob", "c2"));
    remove(ch, "c1");
    assertThat(get(ch)).containsOnlyKeys("c2");
    assertThat(stats(ch)).isEqualTo(new PresenceStats(1, 1));
    remove(ch, "c2");
    assertThat(get(ch)).isEmpty();
    assertThat(stats(ch)).isEqualTo(new PresenceStats(0, 0));
    // A client that comes back is a member again.
    add(ch, info("alice", "c1"));
    assertThat(get(ch)).containsOnlyKeys("c1");
  }

  @Test
  void removingAClientThatIsNotAMemberChangesNothing() {
    String ch = channel();
    remove(channel(), "nobody");
    add(ch, info("alice", "c1"));
    remove(ch, "nobody");
    remove(ch, "c1");
    remove(ch, "c1");
    add(ch, info("bob", "c2"));
    assertThat(get(ch)).containsOnlyKeys("c2");
  }

  @Test
  void channelsAreIndependent() {
    String a = channel(), b = channel();
    add(a, new ClientInfo("alice", "c1", null, "{\"in\":\"a\"}"));
    add(b, new ClientInfo("alice", "c1", null, "{\"in\":\"b\"}"));
    add(b, info("bob", "c2"));
    assertThat(get(a).get("c1").chanInfo()).isEqualTo("{\"in\":\"a\"}");
    assertThat(get(b).get("c1").chanInfo()).isEqualTo("{\"in\":\"b\"}");
    remove(a, "c1");
    assertThat(get(a)).isEmpty();
    assertThat(get(b)).containsOnlyKeys("c1", "c2");
  }

  @Test
  void statsCountClientsAndDistinctUsers() {
    String ch = channel();
    for (int i = 0; i < 3; i++) add(ch, info("alice", "alice-" + i));
    add(ch, info("bob", "bob-0"));
    add(ch, info("", "anonymous-0"));
    add(ch, info("", "anonymous-1"));
    assertThat(stats(ch)).isEqualTo(new PresenceStats(6, 3));
  }

  @Test
  void aChannelWithManyMembersReturnsAllOfThem() {
    String ch = channel();
    int n = 1_200;
    List<Future<Void>> adds = new ArrayList<>();
    for (int i = 0; i < n; i++) adds.add(store.add(ch, info("user-" + (i % 100), "client-" + i)));
    result(Future.all(adds), 60);
    Map<String, ClientInfo> members = get(ch);
    assertThat(members).hasSize(n);
    assertThat(members.get("client-1199")).isEqualTo(info("user-99", "client-1199"));
    assertThat(stats(ch)).isEqualTo(new PresenceStats(n, 100));

    List<Future<Void>> removes = new ArrayList<>();
    for (int i = 0; i < n; i += 2) removes.add(store.remove(ch, "client-" + i));
    result(Future.all(removes), 60);
    assertThat(get(ch).keySet()).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, n).filter(i -> i % 2 == 1).mapToObj(i -> "client-" + i).toList());
  }

  /** The edge adds and removes without waiting (a client that subscribes and leaves at once). */
  @Test
  void anAddAndARemoveSentTogetherLeaveNoMember() {
    List<String> channels = IntStream.range(0, 20).mapToObj(i -> channel()).toList();
    List<Future<Void>> calls = new ArrayList<>();
    for (String ch : channels) {
      calls.add(store.add(ch, info("alice", "c1")));
      calls.add(store.remove(ch, "c1"));
      calls.add(store.add(ch, info("bob", "c2")));
    }
    result(Future.all(calls), 60);
    for (String ch : channels) assertThat(get(ch)).as(ch).containsOnlyKeys("c2");
  }

  @Test
  void concurrentAddsFromManyThreadsAllLand() throws Exception {
    String ch = channel();
    int threads = 8, perThread = 50;
    List<Future<Void>> adds = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) adds.add(store.add(ch, info("user-" + thread, "c-" + thread + "-" + i)));
        }));
      }
      for (var s : submitted) s.get();
    } finally {
      pool.shutdown();
    }
    result(Future.all(adds), 60);
    assertThat(stats(ch)).isEqualTo(new PresenceStats(threads * perThread, threads));
  }

  @Test
  void everyNodeSeesEveryMember() {
    PresenceStore other = storeOnAnotherNode();
    Assumptions.assumeTrue(other != null, "a store of one node");
    String ch = channel();
    add(ch, info("alice", "here"));
    result(other.add(ch, new ClientInfo("bob", "there", "{\"node\":2}", null)));
    for (PresenceStore node : List.of(store, other)) {
      Map<String, ClientInfo> members = result(node.get(ch));
      assertThat(members.keySet()).containsExactlyInAnyOrder("here", "there");
      assertThat(members.get("there").connInfo()).isEqualTo("{\"node\":2}");
      assertThat(result(node.stats(ch))).isEqualTo(new PresenceStats(2, 2));
    }
    result(other.remove(ch, "there"));
    assertThat(get(ch)).containsOnlyKeys("here");
    remove(ch, "here");
    assertThat(result(other.get(ch))).isEmpty();
  }
}
