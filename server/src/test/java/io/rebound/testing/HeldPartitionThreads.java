package io.rebound.testing;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Every partition thread of some Hazelcast members held busy, as a loaded or paused machine holds it: operations of
 * partitions they own queue up unanswered, and the backups they keep for other members confirm late (after {@code
 * hazelcast.operation.backup.timeout.millis}). Each thread is held by a {@link Hold} on one key of a partition its
 * member owns, for at most a minute; {@link #close} lets go.
 *
 * <pre>{@code
 * try (HeldPartitionThreads held = HeldPartitionThreads.of(cluster.node(1).hz())) {
 *   // writes owned by member 0 now have a late backup on member 1
 * }
 * }</pre>
 */
public final class HeldPartitionThreads implements AutoCloseable {

  private static final Duration HELD_AT_MOST = Duration.ofSeconds(60);
  /** By hold id: what the holds wait for, and the threads they hold (a Hold may be a copy, so it finds them by id). */
  private static final Map<String, CountDownLatch> RELEASES = new ConcurrentHashMap<>();
  private static final Map<String, Set<String>> THREADS = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();

  private HeldPartitionThreads() {
    RELEASES.put(id, new CountDownLatch(1));
    THREADS.put(id, ConcurrentHashMap.newKeySet());
  }

  /**
   * Holds every partition thread of each of {@code members} (of one cluster); returns once each one is held. Several
   * members are held in one call: a cluster with a member held is never "safe" again, which holding waits for.
   */
  public static HeldPartitionThreads of(HazelcastInstance... members) {
    HeldPartitionThreads held = new HeldPartitionThreads();
    try {
      // Every partition assigned (asking for an owner assigns them) and no migration under way, so owners stay put.
      HazelcastInstance any = members[0];
      any.getPartitionService().getPartition("any").getOwner();
      Await.until("partitions assigned and not migrating", HELD_AT_MOST, () -> any.getPartitionService().isClusterSafe()
          && any.getPartitionService().getPartitions().stream().allMatch(p -> p.getOwner() != null));
      int threads = 0;
      for (HazelcastInstance member : members) {
        held.hold(member);
        threads += Integer.parseInt(member.getConfig().getProperty("hazelcast.partition.operation.thread.count"));
      }
      int all = threads;
      Await.until("every partition thread held", Duration.ofSeconds(30), () -> THREADS.get(held.id).size() == all);
      return held;
    } catch (RuntimeException | AssertionError e) {
      held.close();
      throw e;
    }
  }

  private void hold(HazelcastInstance member) {
    Set<Integer> partitions = new HashSet<>();
    member.getPartitionService().getPartitions().forEach(p -> {
      if (p.getOwner() != null && p.getOwner().localMember()) partitions.add(p.getPartitionId());
    });
    for (int i = 0; !partitions.isEmpty(); i++) {
      String key = "hold-" + i;
      if (partitions.remove(member.getPartitionService().getPartition(key).getPartitionId())) {
        member.<String, String>getMap("rebound.test.holds").submitToKey(key, new Hold(id));
      }
    }
  }

  /** Lets every held thread go. */
  @Override
  public void close() {
    RELEASES.remove(id).countDown();
    THREADS.remove(id);
  }

  /** Occupies the partition thread it runs on until its holder lets go; changes nothing, so it has no backup. */
  static final class Hold implements EntryProcessor<String, String, Void> {
    private final String id;

    Hold(String id) {
      this.id = id;
    }

    @Override
    public Void process(Map.Entry<String, String> entry) {
      CountDownLatch release = RELEASES.get(id);
      Set<String> threads = THREADS.get(id);
      if (release == null || threads == null) return null; // let go before it ran
      threads.add(Thread.currentThread().getName()); // partition thread names carry their member's instance name
      try {
        release.await(HELD_AT_MOST.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public EntryProcessor<String, String, Void> getBackupProcessor() {
      return null;
    }
  }
}
