package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.Types;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared types at run time: built like the JDK's, compared after boxing, enforced on bind. */
class StateTypeTest {

  @SuppressWarnings("unused") // read reflectively: the JDK's own generic types to compare with
  private static final class Fields {
    Map<String, List<Integer>> prices;
    List<? extends Number> scores;
    List<? super Integer> sinks;
    List<?> anything;
    List<String>[] pages;
    Map.Entry<String, Long> entry;
  }

  @Test
  void builtTypesEqualTheJdksReflectiveTypes() throws Exception {
    assertSameAsField("prices", Types.parameterized(Map.class, String.class,
        Types.parameterized(List.class, Integer.class)));
    assertSameAsField("scores", Types.parameterized(List.class, Types.subtypeOf(Number.class)));
    assertSameAsField("sinks", Types.parameterized(List.class, Types.supertypeOf(Integer.class)));
    assertSameAsField("anything", Types.parameterized(List.class, Types.wildcard()));
    assertSameAsField("pages", Types.arrayOf(Types.parameterized(List.class, String.class)));
    assertSameAsField("entry", Types.parameterized(Map.Entry.class, String.class, Long.class));
    assertThat(Types.arrayOf(int.class)).isEqualTo(int[].class);
  }

  @Test
  void primitivesAndTheirBoxesAreOneStateType() {
    assertThat(StateType.of(int.class)).isEqualTo(StateType.of(Integer.class));
    assertThat(StateType.of(int.class).hashCode()).isEqualTo(StateType.of(Integer.class).hashCode());
    assertThat(StateType.of(int.class)).isNotEqualTo(StateType.of(long.class));
    assertThat(StateType.of(int.class).toString()).isEqualTo("int");
    assertThat(StateType.of(int.class).rawType()).isEqualTo(Integer.class);
    assertThat(listOf(String.class)).isNotEqualTo(listOf(Integer.class));
    assertThat(listOf(String.class).toString()).isEqualTo("java.util.List<java.lang.String>");
  }

  @Test
  void badTypesAreRejected() {
    IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterized(Map.class, String.class));
    assertThat(arity).hasMessageThat().isEqualTo("java.util.Map takes 2 type arguments, but 1 were given");
    assertThrows(IllegalArgumentException.class, () -> StateType.ofType(Types.wildcard()));
  }

  @Test
  void secondDeclarationWithAnotherTypeFailsNamingBoth() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store);
    StateDeclaration<Integer> lobbyCount =
        StateDeclaration.of("games.Lobby", "count", "count", "lobby", StateType.of(int.class));
    StateDeclaration<String> boardCount =
        StateDeclaration.of("games.Board", "players", "count", "lobby", StateType.of(String.class));
    ctx.bind(lobbyCount, 0);

    StateTypeException e = assertThrows(StateTypeException.class, () -> ctx.bind(boardCount, ""));

    assertThat(e).hasMessageThat().isEqualTo("state lobby:count is declared with two types:"
        + " games.Lobby.count (int) and games.Board.players (java.lang.String); declare it with one type"
        + " everywhere, or give one of them another key or scope");
    assertThat(e.existing()).isSameInstanceAs(lobbyCount);
    assertThat(e.conflicting()).isSameInstanceAs(boardCount);
  }

  @Test
  void genericArgumentsCount() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store);
    ctx.bind(StateDeclaration.of("a.A", "tags", "tags", "lobby", listOf(String.class)), List.of());

    StateTypeException e = assertThrows(StateTypeException.class,
        () -> ctx.bind(StateDeclaration.of("b.B", "tags", "tags", "lobby", listOf(Integer.class)), List.of()));

    assertThat(e).hasMessageThat().contains("a.A.tags (java.util.List<java.lang.String>) and"
        + " b.B.tags (java.util.List<java.lang.Integer>)");
  }

  @Test
  void sameTypeFromAnotherComponentOrBoxedIsFine() {
    StateContext ctx = StateContext.of(new InMemoryStore());
    StateRef<Integer> first =
        ctx.bind(StateDeclaration.of("a.A", "count", "count", "lobby", StateType.of(int.class)), 0);
    StateRef<Integer> second =
        ctx.bind(StateDeclaration.of("b.B", "count", "count", "lobby", StateType.of(Integer.class)), 5);

    second.set(3);

    assertThat(first.get()).isEqualTo(3);
  }

  @Test
  void stateCreatedWithoutDeclarationIsCheckedAgainstItsValueThenAdoptsTheFirstDeclaration() {
    InMemoryStore store = new InMemoryStore();
    store.getState("not a number", StateId.of("lobby", "count"));
    StateContext ctx = StateContext.of(store);

    StateTypeException wrongValue = assertThrows(StateTypeException.class,
        () -> ctx.bind(StateDeclaration.of("a.A", "count", "count", "lobby", StateType.of(int.class)), 0));
    assertThat(wrongValue).hasMessageThat().isEqualTo("state lobby:count holds a java.lang.String, but"
        + " a.A.count (int) declares it; declare it with one type everywhere, or give it another key or scope");

    ctx.bind(StateDeclaration.of("b.B", "count", "count", "lobby", StateType.of(String.class)), "");
    assertThrows(StateTypeException.class,
        () -> ctx.bind(StateDeclaration.of("c.C", "count", "count", "lobby", StateType.of(Object.class)), ""));
  }

  @Test
  void deletedAndRecreatedStateKeepsItsDeclaration() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store);
    StateRef<Integer> count =
        ctx.bind(StateDeclaration.of("a.A", "count", "count", "lobby", StateType.of(int.class)), 0);
    store.deleteScope("lobby");

    count.set(2); // recreated through the old handle, with its declaration

    assertThrows(StateTypeException.class,
        () -> ctx.bind(StateDeclaration.of("b.B", "count", "count", "lobby", StateType.of(String.class)), ""));
  }

  private static StateType<List<?>> listOf(Class<?> element) {
    return StateType.ofType(Types.parameterized(List.class, element));
  }

  private static void assertSameAsField(String field, Type built) throws NoSuchFieldException {
    Type reflective = Fields.class.getDeclaredField(field).getGenericType();
    assertThat(built).isEqualTo(reflective);
    assertThat(reflective).isEqualTo(built);
    assertThat(built.hashCode()).isEqualTo(reflective.hashCode());
    assertThat(built.getTypeName()).isEqualTo(reflective.getTypeName());
  }
}
