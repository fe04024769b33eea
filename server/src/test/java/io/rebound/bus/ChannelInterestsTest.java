package io.rebound.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reference counting and the linger of {@link ChannelInterests}, against a transport that records what it was asked. */
class ChannelInterestsTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<Promise<Void>> registrations = new CopyOnWriteArrayList<>();
  private final ChannelInterests.Registrar transport = new ChannelInterests.Registrar() {
    @Override
    public Future<Void> register(String channel) {
      calls.add("register " + channel);
      Promise<Void> p = Promise.promise();
      registrations.add(p);
      return p.future();
    }

    @Override
    public void unregister(String channel) {
      calls.add("unregister " + channel);
    }
  };

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  void theFirstReferenceRegistersAndEveryOneSharesItsRouting() {
    ChannelInterests interests = new ChannelInterests(vertx, transport, 50);
    Future<Void> first = interests.acquire("a");
    Future<Void> second = interests.acquire("a");
    assertThat(calls).containsExactly("register a");
    assertThat(first.isComplete()).isFalse();
    assertThat(interests.routed("a").isComplete()).isFalse();
    registrations.get(0).complete();
    assertThat(first.succeeded()).isTrue();
    assertThat(second.succeeded()).isTrue();
    assertThat(interests.routed("a").succeeded()).isTrue();
    assertThat(interests.routed("never-wanted").succeeded()).as("no interest: nothing to wait for").isTrue();
  }

  @Test
  void theLastReleaseUnregistersAfterTheLingerUnlessTakenAgain() {
    ChannelInterests interests = new ChannelInterests(vertx, transport, 200);
    interests.acquire("a");
    interests.acquire("a");
    registrations.get(0).complete();
    interests.release("a");
    interests.release("a");
    interests.acquire("a"); // back within the linger: the registration is reused
    interests.release("a");
    Await.until("the linger ran out", Duration.ofSeconds(10), () -> calls.contains("unregister a"));
    assertThat(calls).containsExactly("register a", "unregister a");
    assertThat(interests.registered("a")).isFalse();
    interests.acquire("a");
    assertThat(calls).containsExactly("register a", "unregister a", "register a");
  }

  @Test
  void aFailedRegistrationIsMadeAgainByTheNextReference() {
    ChannelInterests interests = new ChannelInterests(vertx, transport, 50);
    Future<Void> first = interests.acquire("a");
    registrations.get(0).fail(new IllegalStateException("transport down"));
    assertThat(first.failed()).isTrue();
    Future<Void> retried = interests.acquire("a");
    assertThat(calls).containsExactly("register a", "unregister a", "register a");
    registrations.get(1).complete();
    assertThat(retried.succeeded()).isTrue();
  }

  @Test
  void routedCompletesOnTheCallersContext() {
    ChannelInterests interests = new ChannelInterests(vertx, transport, 50);
    interests.acquire("a");
    var context = vertx.getOrCreateContext();
    Promise<Boolean> onContext = Promise.promise();
    AtomicBoolean asked = new AtomicBoolean();
    context.runOnContext(v -> {
      interests.routed("a").onComplete(ar -> onContext.complete(Vertx.currentContext() == context));
      asked.set(true);
    });
    Await.until("routed asked on the context", Duration.ofSeconds(5), asked::get);
    new Thread(() -> registrations.get(0).complete()).start(); // the transport finishes on a thread of its own
    assertThat(Await.result(onContext.future())).isTrue();
  }
}
