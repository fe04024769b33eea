package io.rebound.edge.listener;

import static io.rebound.edge.listener.SlowSockets.silentSocketClosed;
import static io.rebound.edge.listener.SlowSockets.slowlorisClosedAfter;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.ApiClient;
import io.rebound.testing.Await;
import io.rebound.testing.Ports;
import io.rebound.testing.RunningNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin page's own port ({@code admin_port}) keeps the node port's protections against slow and
 * idle clients: a socket that sends nothing, and one that trickles header lines, are closed after
 * {@code http_header_timeout}; the page is still served. Before, the admin port had none of them and
 * both sockets stayed open for as long as the client liked.
 */
class AdminPortDeadlinesIT {

  /** A deadline of 1 s is missed well within this; without the deadlines nothing closes at all. */
  private static final int WITHIN_MILLIS = 15_000;

  private static RunningNode node;
  private static int adminPort;

  @BeforeAll
  static void start() {
    adminPort = Ports.free();
    node = RunningNode.start("""
        {"admin": true, "admin_password": "deadline-password", "admin_secret": "deadline-admin-secret-0123456789",
         "admin_port": %d, "http_header_timeout": "1s", "http_keep_alive_timeout": "1s",
         "namespaces": [{"name": "chat"}]}""".formatted(adminPort));
    ApiClient admin = new ApiClient(adminPort, RunningNode.API_KEY);
    Await.until("the admin port serves the page", Duration.ofSeconds(10), () -> admin.answersOk("/"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void aSocketThatSendsNothingIsClosedAfterTheHeaderTimeout() {
    assertThat(silentSocketClosed(adminPort, WITHIN_MILLIS)).isTrue();
  }

  @Test
  void aSlowlorisTricklingHeaderLinesIsClosedAfterTheHeaderTimeout() {
    long took = slowlorisClosedAfter(adminPort, "/", WITHIN_MILLIS);
    assertThat(took).as("closed although it kept sending").isPositive();
  }
}
