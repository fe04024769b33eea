package io.rebound.engine.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.rebound.testing.RepoFiles;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The partition-safety settings of the packaged cluster.xml, read the way a member reads them: property names are
 * checked against Hazelcast's own constants (a misspelt property is silently ignored by Hazelcast), the split-brain
 * protection covers both maps of Rebound's state and the streams merge with {@link StreamMergePolicy}.
 */
class ClusterXmlTest {

  private static Config config() throws Exception {
    return new InMemoryXmlConfig(Files.readString(RepoFiles.path("cluster.xml")));
  }

  @Test
  void appendsNotConfirmedByTheirBackupFailAndSplitsHealWithinHalfAMinute() throws Exception {
    HazelcastProperties p = new HazelcastProperties(config());
    assertThat(p.getBoolean(ClusterProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE)).isTrue();
    assertThat(p.getSeconds(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS)).isEqualTo(30);
    assertThat(p.getSeconds(ClusterProperty.MERGE_NEXT_RUN_DELAY_SECONDS)).isEqualTo(30);
  }

  /** A restarted member is admitted at once instead of after Hazelcast's 5 s batching wait (issue 16, restart in under 5 s). */
  @Test
  void aRestartingMemberIsAdmittedWithoutTheBatchingWait() throws Exception {
    HazelcastProperties p = new HazelcastProperties(config());
    assertThat(p.getSeconds(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN)).isZero();
    assertThat(p.getSeconds(ClusterProperty.MAX_WAIT_SECONDS_BEFORE_JOIN)).isLessThanOrEqualTo(5);
    assertThat(p.getBoolean(ClusterProperty.PHONE_HOME_ENABLED)).isFalse();
  }

  @Test
  void historyAndSyncPositionsAreServedOnlyByAMajority() throws Exception {
    Config c = config();
    for (String map : new String[] {HazelcastHistory.MAP_NAME, HazelcastSyncPositions.MAP_NAME}) {
      MapConfig m = c.getMapConfig(map);
      SplitBrainProtectionConfig protection = c.getSplitBrainProtectionConfig(m.getSplitBrainProtectionName());
      assertThat(protection.isEnabled()).as(map).isTrue();
      assertThat(protection.getProtectOn()).as(map).isEqualTo(SplitBrainProtectionOn.READ_WRITE);
      assertThat(protection.getMinimumClusterSize()).as("a majority of the 3 members README starts").isEqualTo(2);
    }
    assertThat(c.getMapConfig(HazelcastHistory.MAP_NAME).getMergePolicyConfig().getPolicy()).isEqualTo(StreamMergePolicy.class.getName());
  }
}
