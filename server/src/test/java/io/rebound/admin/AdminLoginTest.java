package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdminLoginTest {

  private final AtomicLong nanos = new AtomicLong();
  private final AdminTokens tokens = new AdminTokens("admin-secret", Duration.ofHours(1), () -> 1_800_000_000L);
  private final AdminLogin login = new AdminLogin("correct horse", new LoginLimiter(3, Duration.ofSeconds(10), 10, nanos::get), tokens);

  @Test
  void theRightPasswordGivesAValidSession() {
    AdminLogin.Outcome outcome = login.attempt("10.0.0.1", "correct horse");
    assertThat(outcome).isInstanceOf(AdminLogin.LoggedIn.class);
    assertThat(tokens.check(((AdminLogin.LoggedIn) outcome).session().token())).isEqualTo(AdminTokens.Check.VALID);
  }

  @Test
  void wrongPasswordsAreRefusedThenTheAddressIsHeldBack() {
    assertThat(login.attempt("10.0.0.1", "correct")).isInstanceOf(AdminLogin.WrongPassword.class);
    assertThat(login.attempt("10.0.0.1", "")).isInstanceOf(AdminLogin.WrongPassword.class);
    assertThat(login.attempt("10.0.0.1", null)).isInstanceOf(AdminLogin.WrongPassword.class);
    // Held back even with the right password: a guesser cannot tell a hit from a miss while limited.
    assertThat(login.attempt("10.0.0.1", "correct horse")).isEqualTo(new AdminLogin.TooManyAttempts(10));
    assertThat(login.attempt("10.0.0.2", "correct horse")).isInstanceOf(AdminLogin.LoggedIn.class);

    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(login.attempt("10.0.0.1", "correct horse")).isInstanceOf(AdminLogin.LoggedIn.class);
  }
}
