package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StateIdTest {

  @Test
  void storeKeyHasTheScopeColonKeyShape() {
    assertThat(StateId.of("shop", "visits").storeKey()).isEqualTo("shop:visits");
  }

  @Test
  void storeKeyEscapesColonsAndBackslashesSoDifferentIdsNeverShareOne() {
    StateId a = StateId.of("a:b", "c");
    StateId b = StateId.of("a", "b:c");
    StateId c = StateId.of("a\\", ":c");
    assertThat(a.storeKey()).isEqualTo("a\\:b:c");
    assertThat(b.storeKey()).isEqualTo("a:b\\:c");
    assertThat(c.storeKey()).isEqualTo("a\\\\:\\:c");
    assertThat(a.storeKey()).isNotEqualTo(b.storeKey());
  }

  @Test
  void rejectsNullParts() {
    assertThrows(NullPointerException.class, () -> StateId.of(null, "k"));
    assertThrows(NullPointerException.class, () -> StateId.of("s", null));
  }
}
