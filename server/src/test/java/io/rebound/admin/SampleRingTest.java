package io.rebound.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleRingTest {

  private static Sample at(long second, long opened) {
    return new Sample(second, 10, opened, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, Map.of());
  }

  @Test
  void keepsTheNewestCapacitySamplesOldestFirst() {
    SampleRing ring = new SampleRing(3);
    for (long s = 1; s <= 5; s++) ring.add(at(s, s));
    assertThat(ring.size()).isEqualTo(3);
    assertThat(ring.all()).extracting(Sample::second).containsExactly(3L, 4L, 5L);
    assertThat(ring.last(2)).extracting(Sample::second).containsExactly(4L, 5L);
    assertThat(ring.last(10)).extracting(Sample::second).containsExactly(3L, 4L, 5L);
  }

  @Test
  void aPageAsksOnlyForWhatItHasNotSeen() {
    SampleRing ring = new SampleRing(300);
    for (long s = 100; s < 110; s++) ring.add(at(s, 1));
    assertThat(ring.after(106)).extracting(Sample::second).containsExactly(107L, 108L, 109L);
    assertThat(ring.after(109)).isEmpty();
    assertThat(ring.after(0)).hasSize(10);
  }

  @Test
  void twoTicksInOneSecondBecomeOneSample() {
    SampleRing ring = new SampleRing(5);
    ring.add(at(7, 2));
    ring.add(new Sample(7, 12, 3, 1, 0, 0, 0, Map.of(), 0, 0, 0, 0, Map.of("3001", 1L)));
    assertThat(ring.size()).isEqualTo(1);
    Sample merged = ring.all().get(0);
    assertThat(merged.opened()).isEqualTo(5);
    assertThat(merged.closed()).isEqualTo(1);
    assertThat(merged.connections()).isEqualTo(12);
    assertThat(merged.disconnects()).containsEntry("3001", 1L);
  }

  @Test
  void aSampleKeepsABoundedNumberOfDisconnectCodes() {
    Map<String, Long> many = new java.util.HashMap<>();
    for (int code = 4000; code < 4040; code++) many.put(String.valueOf(code), (long) (code - 3999));
    Sample s = new Sample(1, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, many);
    assertThat(s.disconnects()).hasSize(Sample.MAX_KEYS).containsKey("other").containsEntry("4039", 40L);
    assertThat(s.disconnects().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40 * 41 / 2);
  }

  @Test
  void itsJsonCarriesOnlyWhatHappened() {
    var json = new Sample(42, 7, 0, 3, 0, 0, 0, Map.of(), 0, 0, 0, 0, Map.of("3008", 3L)).toJson();
    assertThat(json.toString()).isEqualTo("{\"t\":42,\"connections\":7,\"closed\":3,\"disconnects\":{\"3008\":3}}");
  }
}
