package dev.reactserver.state.remote.spi;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server stores keep a state's declaration as versioned data, read by field, never parsed from a message. */
class StoredDeclarationTest {

  private static final StateDeclaration<List<String>> TAGS = StateDeclaration.of("shop.Cart", "tags",
      "tags", "$client", StateType.ofType(Types.parameterized(List.class, String.class)));

  @Test
  void theStoredFormIsAVersionedObjectOfComponentFieldAndType() {
    assertThat(StoredDeclaration.encode(TAGS)).isEqualTo(
        "{\"v\":1,\"component\":\"shop.Cart\",\"field\":\"tags\",\"type\":\"java.util.List<java.lang.String>\"}");
  }

  @Test
  void itRoundTripsWhateverTheNamesHold() {
    StoredDeclaration odd = new StoredDeclaration("a.B (x)", "f\" (y", "java.util.Map<K, V>");
    assertThat(StoredDeclaration.decode(odd.encode())).isEqualTo(odd);
    assertThat(StoredDeclaration.decode(StoredDeclaration.encode(TAGS))).isEqualTo(StoredDeclaration.of(TAGS));
  }

  @Test
  void formsThisVersionDoesNotReadAreNoDeclaration() {
    assertThat(StoredDeclaration.decode("shop.Cart.tags (java.util.List<java.lang.String>)")).isNull();
    assertThat(StoredDeclaration.decode("{\"v\":2,\"component\":\"a\",\"field\":\"b\",\"type\":\"int\"}")).isNull();
    assertThat(StoredDeclaration.decode("{\"v\":1,\"component\":\"a\"}")).isNull();
    assertThat(StoredDeclaration.decode("[]")).isNull();
    assertThat(StoredDeclaration.describe("x (y")).isEqualTo("a declaration stored as x (y");
  }

  @Test
  void fieldsAreComparedWholeNotByAPrefixOfTheirText() {
    StoredDeclaration items = new StoredDeclaration("shop.Cart", "items", "int");
    assertThat(items.sameField(new StoredDeclaration("shop.Cart", "items", "long"))).isTrue();
    assertThat(items.sameField(new StoredDeclaration("shop.Cart", "items2", "int"))).isFalse();
    assertThat(items.sameField(new StoredDeclaration("shop.Cart.items", "", "int"))).isFalse();
    assertThat(items.describe()).isEqualTo("shop.Cart.items (int)");
  }
}
