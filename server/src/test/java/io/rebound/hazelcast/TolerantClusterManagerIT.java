package io.rebound.hazelcast;

import static io.rebound.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.rebound.testing.HazelcastClusterExtension;
import io.rebound.testing.HazelcastTestCluster.Node;
import io.rebound.testing.HeldPartitionThreads;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vert.x's own cluster writes under a late backup: with every partition thread of the other member held (a loaded
 * machine), a node writing its entry in {@code __vertx.nodeInfo} — what every node does while it joins — must
 * succeed. With Vert.x's plain cluster manager it failed with "backup acks missed" (the member-wide
 * fail-on-indeterminate-state of cluster.xml), although the partition owner had stored it, and the node's start failed.
 */
class TolerantClusterManagerIT {

  @RegisterExtension
  static final HazelcastClusterExtension cluster = HazelcastClusterExtension.of(2);

  @Test
  void aNodeEntryIsWrittenWhileItsBackupIsLate() {
    // Node 1 writes its entry; the member that does not own the entry's partition holds its backup. Owners are read
    // once migrations are over (right after the start they still move).
    Await.until("partitions settled", Duration.ofSeconds(60), () -> cluster.node(0).hz().getPartitionService().isClusterSafe());
    Node node = cluster.node(0);
    ClusterManager manager = ((VertxInternal) node.vertx()).clusterManager();
    assertThat(manager).isInstanceOf(TolerantClusterManager.class);
    NodeInfo info = manager.getNodeInfo();
    int backup = ownsItsEntry(node) ? 1 : 0;
    try (HeldPartitionThreads held = HeldPartitionThreads.of(cluster.node(backup).hz())) {
      Promise<Void> written = Promise.promise();
      manager.setNodeInfo(info, written);
      result(written.future(), 60); // failed with "backup acks missed" before
      assertThat(node.hz().getMap("__vertx.nodeInfo").containsKey(manager.getNodeId())).isTrue();
    }
  }

  /**
   * After a merge the other side has forgotten this node's registrations and the merge does not tell it; {@code
   * announceAgain} (run on MERGED) does. The forgetting is done by hand, as the other side does it.
   */
  @Test
  void aRegistrationTheOtherNodeForgotIsAnnouncedAgain() {
    Node a = cluster.node(0);
    Node b = cluster.node(1);
    String address = "rebound.test.door." + System.nanoTime();
    MessageConsumer<String> door = a.vertx().eventBus().consumer(address, m -> m.reply("here"));
    result(door.completion(), 60);
    assertThat(result(b.vertx().eventBus().<String>request(address, "knock"), 30).body()).isEqualTo("here");

    b.hz().getMultiMap("__vertx.subs").remove(address);
    Await.until("node 2 no longer reaches the door", Duration.ofSeconds(30), () -> !answers(b, address));

    ((TolerantClusterManager) ((VertxInternal) a.vertx()).clusterManager()).announceAgain();
    Await.until("node 2 reaches the door again", Duration.ofSeconds(30), () -> answers(b, address));
    result(door.unregister(), 30);
  }

  /** Whether a request from {@code node} to {@code address} is answered (within 2 s). */
  private static boolean answers(Node node, String address) {
    Future<Message<String>> knock = node.vertx().eventBus().request(address, "knock", new DeliveryOptions().setSendTimeout(2_000));
    try {
      knock.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException noHandlerOrTimeout) {
      return false;
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean ownsItsEntry(Node node) {
    String id = ((VertxInternal) node.vertx()).clusterManager().getNodeId();
    return node.hz().getPartitionService().getPartition(id).getOwner().localMember();
  }
}
