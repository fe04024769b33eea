import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.rebound.bus.Addresses;
import io.rebound.bus.ClusterSigner;
import io.rebound.bus.SignedFanout;
import io.rebound.bus.SignedFanoutCodec;
import io.rebound.core.Publication;
import io.rebound.engine.FanoutMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * A process on the cluster network that has rebound.jar and nothing else (run as a single source
 * file: {@code java -cp rebound.jar ClusterIntruder.java MODE ...}); ClusterIntruderIT drives it. It
 * prints what it saw as {@code key=value} lines; the attacking modes then wait for their standard input to
 * close and leave.
 *
 * <ul>
 *   <li>{@code join PORT NAME...}: tries to join the cluster whose members listen on 127.0.0.1:PORT..PORT+9
 *       under each NAME in turn; prints {@code members.<NAME>=<members it saw>};
 *   <li>{@code fanout PORT NAME CHANNEL EPOCH OFFSET SECRET}: joins under NAME (a member name that leaked,
 *       the worst case), calls the event-bus API without a key (publish, history, disconnect), then fans
 *       out a publication {"forged":true} signed with a wrong secret, then {"signed":true} signed with
 *       SECRET (empty: skipped), both at OFFSET of EPOCH on CHANNEL;
 *   <li>{@code control PORT NAME USER SECRET}: joins under NAME and sends the edges a disconnect of USER
 *       unsigned (code 4000), sealed with a wrong secret (4001), then sealed with SECRET (4002);
 *   <li>{@code emulation PORT NAME NODE SESSION UNSIGNED WRONG SIGNED SECRET}: joins under NAME and forwards
 *       commands to the emulated SESSION on the node whose emulation id is NODE, as a node does for {@code POST
 *       /emulation}: the frame UNSIGNED unsigned, WRONG sealed with a wrong secret, SIGNED sealed with SECRET,
 *       one after the other; prints each answer as {@code emulation.unsigned/wrong/signed=...}.
 *   <li>{@code stats PORT NAME PATTERN SECRET}: joins under NAME, prints the shared node map as {@code
 *       stats.map=...}, then asks every node listed there for its channels matching PATTERN, as a node does
 *       for the {@code channels} API: unsigned, sealed with a wrong secret, sealed with SECRET; prints the
 *       answers as {@code stats.unsigned/wrong/signed=...} (one per node, joined by " | ").
 * </ul>
 */
public class ClusterIntruder {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    switch (args[0]) {
      case "join" -> {
        for (int i = 2; i < args.length; i++) {
          HazelcastInstance hz = Hazelcast.newHazelcastInstance(config(args[i], port));
          say("members." + args[i], hz.getCluster().getMembers().size());
          hz.getLifecycleService().terminate();
        }
      }
      case "fanout" -> fanout(port, args[2], args[3], args[4], Long.parseLong(args[5]), args[6]);
      case "control" -> control(port, args[2], args[3], args[4]);
      case "emulation" -> emulation(port, args[2], args[3], args[4], args[5], args[6], args[7], args[8]);
      case "stats" -> stats(port, args[2], args[3], args[4]);
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.exit(0);
  }

  private static void fanout(int port, String name, String channel, String epoch, long offset, String secret) throws Exception {
    Vertx vertx = join(port, name);
    DeliveryOptions keyless = new DeliveryOptions().setSendTimeout(15_000);
    say("api.publish", call(vertx, new JsonObject().put("method", "publish")
        .put("params", new JsonObject().put("channel", channel).put("data", new JsonObject().put("forged", true))), keyless));
    say("api.history", call(vertx, new JsonObject().put("method", "history")
        .put("params", new JsonObject().put("channel", channel).put("limit", -1)), keyless));
    say("api.disconnect", call(vertx, new JsonObject().put("method", "disconnect")
        .put("params", new JsonObject().put("user", "bob")), keyless));
    vertx.eventBus().registerCodec(new SignedFanoutCodec(ClusterSigner.of("")));
    DeliveryOptions signed = new DeliveryOptions().setCodecName(SignedFanoutCodec.NAME);
    FanoutMessage forged = FanoutMessage.publication(channel, Publication.of("{\"forged\":true}").withOffset(offset), epoch);
    // Edges listen on no event-bus address (the broadcaster hands them what it checked): the channel's cluster address,
    // with a wrong signature, is the door there is.
    vertx.eventBus().publish(Addresses.fanoutOf(channel), SignedFanout.toSend(forged, ClusterSigner.of("not-the-cluster-secret")), signed);
    if (!secret.isEmpty()) {
      FanoutMessage real = FanoutMessage.publication(channel, Publication.of("{\"signed\":true}").withOffset(offset), epoch);
      vertx.eventBus().publish(Addresses.fanoutOf(channel), SignedFanout.toSend(real, ClusterSigner.of(secret)), signed);
    }
    leave(vertx);
  }

  private static void control(int port, String name, String user, String secret) throws Exception {
    Vertx vertx = join(port, name);
    JsonObject cmd = new JsonObject().put("op", "disconnect").put("user", user).put("client", "");
    long now = System.currentTimeMillis();
    vertx.eventBus().publish(Addresses.EDGE_CONTROL, cmd.copy().put("code", 4000).put("reason", "unsigned").put("ts", now));
    vertx.eventBus().publish(Addresses.EDGE_CONTROL, ClusterSigner.of("not-the-cluster-secret").seal(cmd.copy().put("code", 4001).put("reason", "wrong key"), now));
    if (!secret.isEmpty()) vertx.eventBus().publish(Addresses.EDGE_CONTROL, ClusterSigner.of(secret).seal(cmd.copy().put("code", 4002).put("reason", "signed"), now));
    leave(vertx);
  }

  private static void emulation(int port, String name, String node, String session, String unsigned, String wrong, String signed,
      String secret) throws Exception {
    Vertx vertx = join(port, name);
    String address = Addresses.EMULATION_PREFIX + node;
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(15_000);
    long now = System.currentTimeMillis();
    say("emulation.unsigned", request(vertx, address, new JsonObject().put("session", session).put("text", unsigned).put("ts", now), options));
    say("emulation.wrong", request(vertx, address,
        ClusterSigner.of("not-the-cluster-secret").seal(new JsonObject().put("session", session).put("text", wrong), now), options));
    say("emulation.signed", request(vertx, address, ClusterSigner.of(secret).seal(new JsonObject().put("session", session).put("text", signed), now), options));
    leave(vertx);
  }

  private static void stats(int port, String name, String pattern, String secret) throws Exception {
    Vertx vertx = join(port, name);
    java.util.Map<String, JsonObject> nodes = get(vertx.sharedData().<String, JsonObject>getAsyncMap("rebound.nodes")
        .compose(io.vertx.core.shareddata.AsyncMap::entries));
    say("stats.map", nodes);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(15_000);
    long now = System.currentTimeMillis();
    JsonObject query = new JsonObject().put("pattern", pattern);
    java.util.List<String> unsigned = new java.util.ArrayList<>(), wrong = new java.util.ArrayList<>(), signed = new java.util.ArrayList<>();
    for (String uid : new java.util.TreeSet<>(nodes.keySet())) {
      String address = "rebound.stats.channels." + uid;
      unsigned.add(request(vertx, address, query.copy().put("ts", now), options));
      wrong.add(request(vertx, address, ClusterSigner.of("not-the-cluster-secret").seal(query, now), options));
      signed.add(request(vertx, address, ClusterSigner.of(secret).seal(query, now), options));
    }
    say("stats.unsigned", String.join(" | ", unsigned));
    say("stats.wrong", String.join(" | ", wrong));
    say("stats.signed", String.join(" | ", signed));
    leave(vertx);
  }

  private static Vertx join(int port, String name) throws Exception {
    HazelcastClusterManager manager = new HazelcastClusterManager(config(name, port));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1");
    Vertx vertx = get(Vertx.builder().with(options).withClusterManager(manager).buildClustered());
    say("members", manager.getHazelcastInstance().getCluster().getMembers().size());
    return vertx;
  }

  /**
   * Says {@code sent=true} and stays a member until its standard input closes (the test closes it once it
   * has seen the effects), so nothing it sent is lost to its own exit.
   */
  private static void leave(Vertx vertx) throws Exception {
    say("sent", true);
    while (System.in.read() != -1) {
      // the test writes nothing; end of input is the signal
    }
    get(vertx.close());
  }

  private static String call(Vertx vertx, JsonObject body, DeliveryOptions options) {
    return request(vertx, Addresses.API, body, options);
  }

  private static String request(Vertx vertx, String address, JsonObject body, DeliveryOptions options) {
    try {
      return get(vertx.eventBus().<Object>request(address, body, options).map(Message::body)).toString();
    } catch (Exception e) {
      return "failed: " + e;
    }
  }

  private static Config config(String name, int port) {
    Config c = new Config();
    c.setClusterName(name);
    c.setProperty("hazelcast.logging.type", "none");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(true).setPortCount(10);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    return c;
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static void say(String key, Object value) {
    System.out.println(key + "=" + value);
    System.out.flush();
  }
}
