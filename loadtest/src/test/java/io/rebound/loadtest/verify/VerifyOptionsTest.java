package io.rebound.loadtest.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier's flags: defaults, credentials from the broker's own variables, and what is refused. */
class VerifyOptionsTest {

  private static VerifyOptions parse(Map<String, String> env, String... args) {
    return VerifyOptions.parse(args, env);
  }

  @Test
  void credentialsComeFromFlagsOrTheBrokersVariables() {
    VerifyOptions fromEnv = parse(Map.of("REBOUND_API_KEY", "k", "REBOUND_TOKEN_HMAC_SECRET_KEY", "s"), "--target", "lb.example:443", "--tls");
    assertThat(fromEnv.apiKey).isEqualTo("k");
    assertThat(fromEnv.secret).isEqualTo("s");
    assertThat(fromEnv.tls).isTrue();
    assertThat(fromEnv.targets).containsExactly("lb.example:443");
    VerifyOptions flags = parse(Map.of("REBOUND_API_KEY", "k"), "--target", "a:1,b:2", "--api-key", "flag", "--secret", "x");
    assertThat(flags.apiKey).as("the flag wins").isEqualTo("flag");
    assertThat(flags.targets).containsExactly("a:1", "b:2");
  }

  @Test
  void defaultsAndEveryFlag() {
    VerifyOptions d = parse(Map.of(), "--target", "h:1", "--api-key", "k", "--secret", "s");
    assertThat(d.namespace).isEqualTo(VerifyOptions.DEFAULT_NAMESPACE);
    assertThat(d.channels).isEqualTo(VerifyOptions.DEFAULT_CHANNELS);
    assertThat(d.clients).isEqualTo(VerifyOptions.DEFAULT_CLIENTS);
    assertThat(d.durationS).isEqualTo(VerifyOptions.DEFAULT_DURATION_S);
    assertThat(d.expectedDeliveries()).isEqualTo(4L * 6 * 5 * 120);
    VerifyOptions o = parse(Map.of(), "--target", "h:1", "--api-key", "k", "--secret", "s", "--namespace", "feed", "--channels", "2",
        "--clients", "3", "--rate", "7", "--duration-s", "0", "--quiesce-s", "9", "--subscribe-timeout-s", "5", "--backoff-max-ms", "700",
        "--drop-every", "4", "--resume", "--strict", "--out", "x");
    assertThat(o.namespace).isEqualTo("feed");
    assertThat(o.channels * o.clients * o.rate).isEqualTo(42);
    assertThat(o.durationS).isZero();
    assertThat(o.quiesceS + o.subscribeTimeoutS + o.backoffMaxMs + o.dropEvery).isEqualTo(9 + 5 + 700 + 4);
    assertThat(o.resume && o.strict).isTrue();
    assertThat(o.effectiveOut().toString()).isEqualTo("x");
  }

  @Test
  void refusesWhatCannotWork() {
    assertThatThrownBy(() -> parse(Map.of(), "--api-key", "k", "--secret", "s")).hasMessageContaining("--target is required");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "ws://h:1", "--api-key", "k", "--secret", "s")).hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "h:1", "--secret", "s")).hasMessageContaining("--api-key is required (or REBOUND_API_KEY)");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "h:1", "--api-key", "k")).hasMessageContaining("token_hmac_secret_key");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "h:1", "--api-key", "k", "--secret", "s", "--drop-every", "1"))
        .hasMessageContaining("--drop-every");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "h:1", "--api-key", "k", "--secret", "s", "--rate", "fast"))
        .hasMessageContaining("--rate needs a number");
    assertThatThrownBy(() -> parse(Map.of(), "--target", "h:1", "--api-key", "k", "--secret", "s", "--bogus", "1"))
        .hasMessageContaining("unknown option --bogus");
  }

  @Test
  void historyAnswersBecomeSnapshots() {
    var h = HistoryReader.parse("{\"result\":{\"publications\":[{\"data\":{\"verify\":\"r\",\"n\":4},\"offset\":4},"
        + "{\"data\":{\"n\":5},\"offset\":5}],\"epoch\":\"ab\",\"offset\":5}}");
    assertThat(h.epoch()).isEqualTo("ab");
    assertThat(h.top()).isEqualTo(5);
    assertThat(h.firstRetained()).isEqualTo(4);
    assertThat(h.publications()).extracting(e -> e.payload()).containsExactly("4", "5");
    assertThatThrownBy(() -> HistoryReader.parse("{\"error\":{\"code\":102}}")).hasMessageContaining("history failed");
  }
}
