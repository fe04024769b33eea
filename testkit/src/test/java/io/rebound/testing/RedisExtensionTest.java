package io.rebound.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real redis-server per class, and one per test, answer commands and keep (or not) their data. */
class RedisExtensionTest {

  @RegisterExtension static final RedisExtension shared = RedisExtension.appendOnly();
  @RegisterExtension final RedisExtension own = RedisExtension.inMemory();

  private static String command(int port, String inline) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String line = in.readLine();
      return line.startsWith("$") && !line.equals("$-1") ? in.readLine() : line;
    }
  }

  @Test
  void twoServersOnTheirOwnPorts() throws IOException {
    assertThat(shared.port()).isNotEqualTo(own.port());
    assertThat(shared.address()).isEqualTo("redis://127.0.0.1:" + shared.port());
    assertThat(command(shared.port(), "PING")).isEqualTo("+PONG");
    assertThat(command(own.port(), "PING")).isEqualTo("+PONG");
  }

  /** Sets {@code key}, restarts the server, and returns what {@code GET key} answers then. */
  private static String setRestartGet(RedisExtension redis, String key) throws IOException {
    assertThat(command(redis.port(), "SET " + key + " yes")).isEqualTo("+OK");
    redis.server().stop();
    redis.server().start();
    return command(redis.port(), "GET " + key);
  }

  @Test
  void anAppendOnlyServerKeepsItsDataAcrossARestart() throws IOException {
    assertThat(setRestartGet(shared, "kept")).isEqualTo("yes");
  }

  @Test
  void anInMemoryServerForgetsOnRestart() throws IOException {
    assertThat(setRestartGet(own, "gone")).isEqualTo("$-1");
  }
}
