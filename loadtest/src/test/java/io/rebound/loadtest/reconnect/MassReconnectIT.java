package io.rebound.loadtest.reconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload scenario at small scale, in-process: a balancer reload must be absorbed entirely from the
 * broker's history (every subscription recovered, nothing lost or duplicated) and the run must leave
 * its report behind; with {@code --resume} entirely by resumed sessions (no resubscribe, no history read), and a
 * resume the server cannot honour must fall back to per-channel recovery.
 */
class MassReconnectIT {

  @Test
  @Timeout(120)
  void balancerReloadIsServedFromHistory(@TempDir Path out) throws Exception {
    MassReconnectOptions options = new MassReconnectOptions()
        .clients(200).nodes(1).rate(50).warmupS(2).afterS(2).out(out);

    MassReconnectResult r = MassReconnect.run(options);

    assertEquals(0, r.lost(), "lost publications");
    assertEquals(0, r.duplicates(), "duplicate deliveries");
    assertEquals(200, r.affectedClients(), "every client was cut by the reload");
    assertEquals(0, r.notRecoveredClients(), "clients not back after the reload");
    // At least two per client, as in the multi-process test below: a subscribe reply that outlasts the clients' 5 s on
    // a loaded box makes that client reconnect and recover once more. None may come back unrecovered.
    assertTrue(r.recovered() >= 400, "two recovering subscriptions per client at least: " + r.recovered());
    assertEquals(0, r.unrecovered());
    assertEquals(100.0, r.recoveredPct());
    assertTrue(r.quiesced(), "every subscription caught up");
    assertTrue(r.historyRecoveries() >= 400, "broker counted the recoveries: " + r.historyRecoveries());
    assertTrue(r.published() > 0);
    assertTrue(r.strictOk());
    // Each client's time from its own cut is part of its time from the reload: one of each per client back.
    assertEquals(r.recoveryLatencyMicros().length, r.fromOwnCutMicros().length);
    for (int i = 0; i < r.fromOwnCutMicros().length; i++) {
      assertTrue(r.fromOwnCutMicros()[i] <= r.recoveryLatencyMicros()[i], "client " + i + ": from its cut " + r.fromOwnCutMicros()[i]
          + " µs, from the reload " + r.recoveryLatencyMicros()[i] + " µs");
    }
    assertTrue(r.cutReachedLastClientMs() <= r.latencyPercentileMs(100), "the last client noticed the cut before it was back");
    String json = Files.readString(out.resolve("result.json"));
    assertTrue(json.contains("\"recovered_pct\" : 100.0"), json);
    assertTrue(json.contains("\"time_from_own_cut_to_full_recovery\"") && json.contains("\"cut_reached_last_client_ms\""), json);
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<svg") && html.contains("PASS"), "report.html has charts and the verdict");
    assertTrue(!html.contains("<script") && !html.contains("http://cdn") && !html.contains("https://"), "self-contained report");
  }

  /** The balancers in two processes of their own: each carries half the clients, one reload cuts them all. */
  @Test
  @Timeout(120)
  void reloadOfBalancersInOtherProcessesIsServedFromHistory(@TempDir Path out) throws Exception {
    MassReconnectOptions options = new MassReconnectOptions()
        .clients(200).nodes(1).rate(50).warmupS(2).afterS(2).balancerProcesses(2).out(out);

    MassReconnectResult r = MassReconnect.run(options);

    assertEquals(0, r.lost(), "lost publications");
    assertEquals(0, r.duplicates(), "duplicate deliveries");
    assertEquals(200, r.affectedClients(), "both balancers cut their clients");
    assertEquals(0, r.notRecoveredClients(), "clients not back after the reload");
    // At least two: on a loaded box a subscribe reply can outlast the clients' 5 s, and that client reconnects and
    // recovers once more (seen: 409). What matters is that none came back unrecovered.
    assertTrue(r.recovered() >= 400, "two recovering subscriptions per client at least: " + r.recovered());
    assertEquals(0, r.unrecovered());
    assertTrue(r.quiesced(), "every subscription caught up");
    assertTrue(r.strictOk());
  }

  @Test
  @Timeout(60)
  void balancerReloadIsAbsorbedBySessionResume(@TempDir Path out) throws Exception {
    MassReconnectOptions options = new MassReconnectOptions()
        .clients(200).nodes(1).rate(50).warmupS(2).afterS(2).resume(true).out(out);

    MassReconnectResult r = MassReconnect.run(options);

    assertEquals(0, r.lost(), "lost publications");
    assertEquals(0, r.duplicates(), "duplicate deliveries");
    assertEquals(200, r.affectedClients(), "every client was cut by the reload");
    assertEquals(0, r.notRecoveredClients(), "clients not back after the reload");
    assertEquals(200, r.resumed(), "every client resumed its session");
    assertEquals(200, r.serverResumes(), "the broker counted the resumes");
    assertEquals(0, r.resumeRefused());
    assertEquals(400, r.resumedSubscriptions(), "both subscriptions of every client went on");
    assertEquals(0, r.recoveredFromHistory(), "nothing resubscribed");
    assertEquals(0, r.historyRecoveries(), "nothing read from history");
    assertEquals(400, r.recovered(), "a resumed subscription counts as recovered");
    assertEquals(400, r.freshSubscribes(), "only the initial subscribes");
    assertEquals(0, r.unrecovered());
    assertEquals(100.0, r.recoveredPct());
    assertTrue(r.quiesced(), "every subscription caught up");
    assertTrue(r.strictOk());
    String json = Files.readString(out.resolve("result.json"));
    assertTrue(json.contains("\"resumed\" : 200") && json.contains("\"recovered_pct\" : 100.0"), json);
    assertTrue(Files.readString(out.resolve("report.html")).contains("200 clients resumed"));
  }

  @Test
  @Timeout(60)
  void resumeRefusedForATooSmallBufferFallsBackToRecovery(@TempDir Path out) throws Exception {
    // Every publication on the shared channel at 50/s: each session misses far more than its 1-message buffer holds.
    MassReconnectOptions options = new MassReconnectOptions()
        .clients(100).nodes(1).rate(50).warmupS(2).afterS(2).resume(true).resumeBufferSize(1).out(out);
    options.sharedEvery = 1;

    MassReconnectResult r = MassReconnect.run(options);

    assertEquals(0, r.lost(), "lost publications");
    assertEquals(0, r.duplicates(), "duplicate deliveries");
    assertEquals(100, r.affectedClients());
    assertEquals(0, r.notRecoveredClients());
    assertEquals(0, r.resumed());
    assertEquals(100, r.resumeRefused(), "every resume refused: the buffer no longer holds the missed messages");
    assertEquals(200, r.recoveredFromHistory(), "the subscriptions recovered per channel instead");
    assertTrue(r.historyRecoveries() >= 200, "recoveries served from history: " + r.historyRecoveries());
    assertEquals(100.0, r.recoveredPct());
    assertTrue(r.quiesced() && r.strictOk());
  }
}
