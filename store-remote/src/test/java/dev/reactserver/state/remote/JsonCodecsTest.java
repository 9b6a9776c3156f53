package dev.reactserver.state.remote;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.spi.StateCodec;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.Types;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecsTest {

  record Item(String name, int quantity) {}

  enum Color { RED, GREEN }

  private final JsonCodecs codecs = JsonCodecs.strict();

  @Test
  void primitivesStandForTheirBoxesAndAllowNull() {
    StateCodec<Integer> ints = codecs.forType(StateType.of(int.class));

    assertThat(ints.encode(42)).isEqualTo("42");
    assertThat(ints.decode("42")).isEqualTo(42);
    assertThat(ints.encode(null)).isEqualTo("null");
    assertThat(ints.decode("null")).isNull();
  }

  @Test
  void genericArgumentsDecideWhatIsRead() {
    StateCodec<Map<String, List<Item>>> codec = codecs.forType(StateType.ofType(
        Types.parameterized(Map.class, String.class, Types.parameterized(List.class, Item.class))));
    Map<String, List<Item>> value = Map.of("shelf", List.of(new Item("pen", 2)));

    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
  }

  @Test
  void enumsCharactersAndArraysRoundTrip() {
    assertThat(codecs.forType(StateType.of(Color.class)).decode("\"GREEN\"")).isEqualTo(Color.GREEN);
    assertThat(codecs.forType(StateType.of(char.class)).decode("\"x\"")).isEqualTo('x');
    StateCodec<int[]> array = codecs.forType(StateType.of(int[].class));
    assertThat(array.decode(array.encode(new int[] {1, 2}))).asList().containsExactly(1, 2).inOrder();
  }

  @Test
  void valuesOfAnotherTypeAreRefusedRatherThanConverted() {
    assertThrows(IllegalArgumentException.class, () -> codecs.forType(StateType.of(int.class)).decode("1.5"));
    assertThrows(IllegalArgumentException.class, () -> codecs.forType(StateType.of(int.class)).decode("\"7\""));
    assertThrows(IllegalArgumentException.class,
        () -> codecs.forType(StateType.of(Item.class)).decode("{\"name\":\"pen\",\"price\":3}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codecs.forType(StateType.of(Color.class)).decode("\"BLUE\""));
    assertThat(e).hasMessageThat().contains("\"BLUE\"");
  }

  @Test
  void codecsAreCachedPerType() {
    assertThat(codecs.forType(StateType.of(Item.class))).isSameInstanceAs(codecs.forType(StateType.of(Item.class)));
  }
}
