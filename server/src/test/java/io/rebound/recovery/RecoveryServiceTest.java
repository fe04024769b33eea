package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.core.HistoryResult;
import io.rebound.core.Publication;
import io.rebound.core.StreamOptions;
import io.rebound.core.StreamPosition;
import io.rebound.metrics.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coalescing of identical recovery reads, with a reader the test completes by hand. */
class RecoveryServiceTest {

  private final List<Promise<HistoryResult>> reads = new ArrayList<>();
  private final List<RecoveryService.RecoveryRequestKeyed> asked = new ArrayList<>();
  private final BrokerMetrics metrics = new BrokerMetrics();
  private final RecoveryService service = new RecoveryService(req -> {
    asked.add(req);
    Promise<HistoryResult> p = Promise.promise();
    reads.add(p);
    return p.future();
  }, metrics);

  private static RecoveryRequest request(long offset) {
    return new RecoveryRequest("ch", new StreamPosition(offset, "E"), StreamOptions.DISABLED, 300);
  }

  private static HistoryResult stream(long from, long top) {
    List<Publication> pubs = new ArrayList<>();
    for (long o = from; o <= top; o++) pubs.add(new Publication(o, "{}", null, null));
    return new HistoryResult(pubs, new StreamPosition(top, "E"));
  }

  @Test
  void identicalConcurrentRequestsShareAHandfulOfReads() {
    List<Future<RecoveryResult>> results = new ArrayList<>();
    for (int i = 0; i < 1000; i++) results.add(service.recover(request(3)));
    // Complete reads as they are issued until every request is answered.
    int completed = 0;
    while (completed < reads.size()) reads.get(completed++).complete(stream(4, 6));
    assertThat(service.reads()).isLessThanOrEqualTo(3);
    assertThat(reads).hasSize((int) service.reads());
    for (Future<RecoveryResult> f : results) {
      assertThat(f.succeeded()).isTrue();
      assertThat(f.result().recovered()).isTrue();
      assertThat(f.result().publications()).extracting(Publication::offset).containsExactly(4L, 5L, 6L);
    }
    assertThat(metrics.recoveriesSucceeded()).isEqualTo(1000);
    assertThat(asked.get(0).query().since().offset()).isEqualTo(3);
    assertThat(asked.get(0).query().limit()).isEqualTo(301); // max + 1: "more than the cap" must be visible
  }

  @Test
  void requestArrivingDuringAReadWaitsForTheNextRead() {
    Future<RecoveryResult> early = service.recover(request(3));
    assertThat(reads).hasSize(1);
    Future<RecoveryResult> late = service.recover(request(3));
    assertThat(reads).as("no second read while the first runs").hasSize(1);

    reads.get(0).complete(stream(4, 5)); // the read that began before `late` arrived
    assertThat(early.result().publications()).extracting(Publication::offset).containsExactly(4L, 5L);
    assertThat(late.isComplete()).as("late must not be served by a read that started before it").isFalse();
    assertThat(reads).hasSize(2);

    reads.get(1).complete(stream(4, 6)); // a publication was made in between
    assertThat(late.result().recovered()).isTrue();
    assertThat(late.result().publications()).extracting(Publication::offset).containsExactly(4L, 5L, 6L);
  }

  @Test
  void differentPositionsAreReadSeparately() {
    Future<RecoveryResult> a = service.recover(request(3));
    Future<RecoveryResult> b = service.recover(request(5));
    assertThat(reads).hasSize(2);
    reads.get(0).complete(stream(4, 6));
    reads.get(1).complete(stream(6, 6));
    assertThat(a.result().publications()).hasSize(3);
    assertThat(b.result().publications()).extracting(Publication::offset).containsExactly(6L);
  }

  @Test
  void failedReadFailsItsWaitersAndTheNextReadStillRuns() {
    Future<RecoveryResult> first = service.recover(request(3));
    Future<RecoveryResult> second = service.recover(request(3));
    reads.get(0).fail(new IllegalStateException("engine down"));
    assertThat(first.failed()).isTrue();
    assertThat(reads).hasSize(2);
    reads.get(1).complete(stream(4, 4));
    assertThat(second.result().recovered()).isTrue();
  }

  @Test
  void positionOnlyRequestsAreCoalescedToo() {
    RecoveryRequest top = new RecoveryRequest("ch", null, StreamOptions.DISABLED, 300);
    List<Future<RecoveryResult>> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) results.add(service.recover(top));
    int completed = 0;
    while (completed < reads.size()) reads.get(completed++).complete(new HistoryResult(List.of(), new StreamPosition(9, "E")));
    assertThat(service.reads()).isLessThanOrEqualTo(2);
    for (Future<RecoveryResult> f : results) {
      assertThat(f.result().recovered()).isFalse();
      assertThat(f.result().top().offset()).isEqualTo(9);
    }
  }
}
