package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing and cutting of the test proxy and of the load tools' round-robin balancer, against real sockets. */
class TcpProxyTest {

  @RegisterExtension static final ClientVertx vertx = new ClientVertx();
  @RegisterExtension final Closer open = new Closer();
  private final List<NetServer> backends = new ArrayList<>();
  private final AtomicInteger backendConnections = new AtomicInteger();

  /** A backend that greets every connection with its name, then echoes lines back. */
  private int backend(String name) {
    NetServer server = vertx.get().createNetServer().connectHandler(s -> {
      backendConnections.incrementAndGet();
      s.write(name + "\n");
      s.handler(s::write);
    });
    backends.add(server);
    return Await.result(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void stopBackends() {
    backends.forEach(s -> Await.result(s.close()));
  }

  /** A client connection through the proxy; reads which backend greeted it. */
  private Client connect(TcpProxy proxy) throws IOException {
    return open.add(new Client(new Socket("127.0.0.1", proxy.port())));
  }

  private static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;

    Client(Socket socket) throws IOException {
      this.socket = socket;
      this.socket.setSoTimeout(10_000);
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line, or null once the proxy closed the connection. */
    String line() throws IOException {
      return in.readLine();
    }

    String echo(String text) throws IOException {
      socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
      return line();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static List<SocketAddress> local(int... ports) {
    List<SocketAddress> out = new ArrayList<>();
    for (int p : ports) out.add(SocketAddress.inetSocketAddress(p, "127.0.0.1"));
    return out;
  }

  @Test
  void aTestProxySendsEveryConnectionToTheFirstBackendThatAccepts() throws IOException {
    int nobody = Ports.free();
    TcpProxy proxy = open.add(TcpProxy.start(vertx.get(), List.of(nobody, backend("b1"), backend("b2"))));
    for (int i = 0; i < 3; i++) assertThat(connect(proxy).line()).isEqualTo("b1");
    Client c = connect(proxy);
    assertThat(c.line()).isEqualTo("b1");
    assertThat(c.echo("hello")).isEqualTo("hello");
  }

  @Test
  void aBalancerTakesTurnsAndSkipsBackendsMarkedDown() throws IOException {
    TcpProxy balancer = open.add(Await.result(TcpProxy.roundRobin(vertx.get(), local(backend("b0"), backend("b1"), backend("b2")))));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 6; i++) got.add(connect(balancer).line());
    assertThat(got).containsExactly("b0", "b1", "b2", "b0", "b1", "b2");

    balancer.markDown(1, true);
    got.clear();
    for (int i = 0; i < 4; i++) got.add(connect(balancer).line());
    assertThat(got).doesNotContain("b1").contains("b0", "b2");
    balancer.markDown(1, false);
    got.clear();
    for (int i = 0; i < 3; i++) got.add(connect(balancer).line());
    assertThat(got).contains("b1");
  }

  @Test
  void dropBackendCutsOnlyTheConnectionsRoutedThere() throws IOException {
    TcpProxy balancer = open.add(Await.result(TcpProxy.roundRobin(vertx.get(), local(backend("b0"), backend("b1")))));
    Client onB0 = connect(balancer);
    Client onB1 = connect(balancer);
    assertThat(onB0.line()).isEqualTo("b0");
    assertThat(onB1.line()).isEqualTo("b1");

    assertThat(balancer.dropBackend(0)).isEqualTo(1);
    assertThat(onB0.line()).as("cut: end of stream").isNull();
    assertThat(onB1.echo("still here")).isEqualTo("still here");
  }

  @Test
  void aReloadCutsEveryConnectionAndRefusesNewOnesUntilItReopens() throws IOException {
    TcpProxy balancer = open.add(Await.result(TcpProxy.roundRobin(vertx.get(), local(backend("b0"), backend("b1")))));
    Client a = connect(balancer);
    Client b = connect(balancer);
    assertThat(a.line()).isEqualTo("b0");
    assertThat(b.line()).isEqualTo("b1");

    Future<Integer> reopened = balancer.reload(600_000);
    assertThat(a.line()).isNull();
    assertThat(b.line()).isNull();
    assertThat(connect(balancer).line()).as("refused while reloading").isNull();
    assertThat(balancer.refused()).isEqualTo(1);
    assertThat(reopened.isComplete()).isFalse();

    assertThat(Await.result(balancer.reload(1))).as("a second reload cut nothing").isZero();
    Client back = connect(balancer);
    assertThat(back.line()).isNotNull();
    assertThat(back.echo("back")).isEqualTo("back");
    assertThat(balancer.refused()).isEqualTo(1);
  }

  @Test
  void connectionsWithNoBackendUpAreRefused() throws IOException {
    TcpProxy balancer = open.add(Await.result(TcpProxy.roundRobin(vertx.get(), local(backend("b0")))));
    balancer.markDown(0, true);
    assertThat(connect(balancer).line()).isNull();
    assertThat(balancer.refused()).isEqualTo(1);
  }

  /** Repeated: a released connection used to lose the backend's first bytes now and then (about 1 in 7). */
  @RepeatedTest(30)
  void holdKeepsNewConnectionsWaitingUntilReleaseAndThenForwardsEveryByte() throws IOException {
    TcpProxy proxy = open.add(TcpProxy.start(vertx.get(), List.of(backend("b0"))));
    proxy.hold();
    Client waiting = connect(proxy);
    Await.until("the proxy accepted the held connection", java.time.Duration.ofSeconds(10), () -> proxy.accepted() == 1);
    assertThat(backendConnections.get()).as("not forwarded while held").isZero();
    proxy.release();
    assertThat(waiting.line()).isEqualTo("b0");
  }
}
