package io.rebound.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-user index keeps connection order and its answers are copies, whatever form a user's entry has. */
class UserIndexTest {

  private final UserIndex<String> index = new UserIndex<>();

  @Test
  void aLoneSessionIsFoundAndRemoved() {
    index.add("alice", "a1");
    index.add("alice", "a1"); // twice: still one
    assertThat(index.sessionsOf("alice")).containsExactly("a1");
    assertThat(index.users()).containsExactly("alice");
    index.remove("alice", "a2"); // not hers: nothing
    assertThat(index.sessionsOf("alice")).containsExactly("a1");
    index.remove("alice", "a1");
    assertThat(index.sessionsOf("alice")).isEmpty();
    assertThat(index.users()).isEmpty();
  }

  @Test
  void severalSessionsKeepTheirOrderAndShrinkBackToOne() {
    index.add("bob", "b1");
    index.add("bob", "b2");
    index.add("bob", "b3");
    index.add("bob", "b2");
    assertThat(index.sessionsOf("bob")).containsExactly("b1", "b2", "b3");
    index.remove("bob", "b1");
    assertThat(index.sessionsOf("bob")).containsExactly("b2", "b3");
    index.remove("bob", "b3");
    assertThat(index.sessionsOf("bob")).containsExactly("b2");
    index.add("bob", "b4");
    assertThat(index.sessionsOf("bob")).containsExactly("b2", "b4");
    index.remove("bob", "b2");
    index.remove("bob", "b4");
    assertThat(index.sessionsOf("bob")).isEmpty();
    assertThat(index.users()).isEmpty();
  }

  @Test
  void answersAreCopies() {
    index.add("carol", "c1");
    index.add("carol", "c2");
    var seen = index.sessionsOf("carol");
    index.remove("carol", "c1"); // as a disconnect while iterating would
    assertThat(seen).containsExactly("c1", "c2");
    var users = index.users();
    index.add("dave", "d1");
    assertThat(users).containsExactly("carol");
  }
}
