package io.rebound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import io.rebound.config.ClusterOptions;
import io.rebound.config.ConfigException;
import io.rebound.testing.RepoFiles;
import io.vertx.core.eventbus.EventBusOptions;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15.1: how a node joins the cluster plane, from the repo's cluster.xml. */
class ClusterMemberTest {

  private static final ClusterOptions OPTIONS = new ClusterOptions(null, "the-cluster-secret-0123456789", null, 0);

  private static Config repoXml() throws Exception {
    return new InMemoryXmlConfig(Files.readString(RepoFiles.path("cluster.xml")));
  }

  @Test
  void membersJoinUnderANameOnlyTheSecretGives() throws Exception {
    String base = repoXml().getClusterName();
    String name = ClusterMember.of(repoXml(), OPTIONS).hazelcast().getClusterName();
    assertThat(name).startsWith(base + ".").isNotEqualTo(base);
    assertThat(ClusterMember.of(repoXml(), OPTIONS).hazelcast().getClusterName()).as("every node with the secret").isEqualTo(name);
    assertThat(ClusterMember.of(repoXml(), new ClusterOptions(null, "another-secret-0123456789", null, 0)).hazelcast().getClusterName())
        .isNotEqualTo(name);
    assertThat(ClusterMember.of(repoXml(), new ClusterOptions("prod-eu", OPTIONS.secret(), null, 0)).hazelcast().getClusterName())
        .startsWith("prod-eu.");
  }

  @Test
  void aLoopbackJoinListensOnLoopbackOnly() throws Exception {
    ClusterMember member = ClusterMember.of(repoXml(), OPTIONS);
    assertThat(member.address()).isEqualTo("127.0.0.1");
    assertThat(member.hazelcast().getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(member.hazelcast().getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(member.hazelcast().getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    EventBusOptions bus = new EventBusOptions();
    member.applyTo(bus);
    assertThat(bus.getHost()).isEqualTo("127.0.0.1");
    assertThat(bus.getClusterPublicHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void anyOtherJoinNeedsTheAddressSaid() throws Exception {
    Config remote = repoXml();
    remote.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(List.of("127.0.0.1", "10.0.0.7"));
    assertThatThrownBy(() -> ClusterMember.of(remote, OPTIONS)).isInstanceOf(ConfigException.class).hasMessageContaining("cluster_address");
    Config k8s = repoXml();
    k8s.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    k8s.getNetworkConfig().getJoin().getKubernetesConfig().setEnabled(true);
    assertThatThrownBy(() -> ClusterMember.of(k8s, OPTIONS)).isInstanceOf(ConfigException.class).hasMessageContaining("cluster_address");

    ClusterMember pod = ClusterMember.of(k8s, new ClusterOptions(null, OPTIONS.secret(), "10.244.1.17", 5801));
    assertThat(pod.hazelcast().getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.244.1.17");
    EventBusOptions bus = new EventBusOptions();
    pod.applyTo(bus);
    assertThat(bus.getHost()).isEqualTo("10.244.1.17");
    assertThat(bus.getPort()).isEqualTo(5801);
  }

  @Test
  void javaDeserializationIsFiltered() throws Exception {
    JavaSerializationFilterConfig filter = ClusterMember.of(repoXml(), OPTIONS).hazelcast().getSerializationConfig().getJavaSerializationFilterConfig();
    assertThat(filter).isNotNull();
    assertThat(filter.isDefaultsDisabled()).as("Hazelcast's own deny list of known gadgets stays on").isFalse();
    assertThat(filter.getWhitelist().isListed("io.rebound.engine.hazelcast.StoredStream")).isTrue();
    assertThat(filter.getWhitelist().isListed("org.apache.commons.collections.functors.InvokerTransformer")).isFalse();
    assertThat(filter.getWhitelist().isListed("com.sun.rowset.JdbcRowSetImpl")).isFalse();
  }
}
