package io.rebound.testing;

import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.internal.util.HashUtil;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Channel names chosen by the Hazelcast partition their stream lands in, for tests that must touch every partition. */
public final class HazelcastPartitions {

  private HazelcastPartitions() {}

  /**
   * For each of {@code partitions} partition ids, one channel {@code <prefix><i>} whose key falls in it — computed as a
   * member does (String serialisation, Murmur3 partition hash), so no cluster is needed.
   */
  public static List<String> channelPerPartition(String prefix, int partitions) {
    SerializationService ss = new DefaultSerializationServiceBuilder().build();
    Map<Integer, String> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.size() < partitions; i++) {
      String channel = prefix + i;
      byPartition.putIfAbsent(HashUtil.hashToIndex(ss.toData(channel).getPartitionHash(), partitions), channel);
    }
    return List.copyOf(byPartition.values());
  }
}
