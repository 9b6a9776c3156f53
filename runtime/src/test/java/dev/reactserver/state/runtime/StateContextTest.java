package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.internal.StateBatch;
import dev.reactserver.state.runtime.spi.ScopeTemplate;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import dev.reactserver.state.runtime.spi.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateContextTest {

  private final InMemoryStore store = new InMemoryStore();
  private final StateContext base = StateContext.of(store);

  @Test
  void substitutesEachPlaceholder() {
    StateContext ctx = base.withClient("c-42").withUser("u-7").forComponent("cart#1");
    assertThat(ctx.resolveScope("$client")).isEqualTo("$client(c-42)");
    assertThat(ctx.resolveScope("$user")).isEqualTo("$user(u-7)");
    assertThat(ctx.resolveScope("$component")).isEqualTo("$component(cart#1)");
    assertThat(ctx.resolveScope("$global")).isEqualTo("$global");
    assertThat(ctx.resolveScope("shop")).isEqualTo("shop");
  }

  @Test
  void tellsItsIds() {
    StateContext ctx = base.withClient("c-42").withUser("u-7").forComponent("cart#1");
    assertThat(ctx.clientId()).hasValue("c-42");
    assertThat(ctx.userId()).hasValue("u-7");
    assertThat(ctx.componentKey()).hasValue("cart#1");
    assertThat(base.clientId()).isEmpty();
    assertThat(base.userId()).isEmpty();
    assertThat(base.componentKey()).isEmpty();
  }

  @Test
  void substitutesEveryOccurrenceInCompositeScopes() {
    StateContext ctx = base.withClient("c").withUser("u");
    assertThat(ctx.resolveScope("cart.$client")).isEqualTo("cart.$client(c)");
    assertThat(ctx.resolveScope("$user/$client/$user")).isEqualTo("$user(u)/$client(c)/$user(u)");
  }

  /**
   * Contexts write each id's owner scope once and bind through it (and a cache for composite scopes):
   * whatever the ids hold, binding lands on exactly the scope the template resolves to, in any order of
   * with-calls, before and after the cache fills.
   */
  @Test
  void bindingResolvesExactlyAsTheTemplateDoesForAnyIds() {
    List<String> templates = List.of("$client", "$user", "$component", "cart.$client", "$user.$client",
        "$component/$user/$component", "lobby", "$global");
    List<String> ids = List.of("a", "a)", "a\\", "\\)", "$client(a)", "x.$user", "ünï");
    for (String id : ids) {
      String other = id + "2";
      StateContext forward = base.withClient(id).withUser(other).forComponent(id);
      StateContext backward = base.forComponent(id).withUser(other).withClient(id);
      for (int round = 0; round < 2; round++) {
        for (String template : templates) {
          String expected = ScopeTemplate.parse(template).resolve(id, other, id);
          StateDeclaration<Integer> declaration =
              StateDeclaration.of("shop.Cart", "n", "n", template, StateType.of(int.class));
          assertThat(forward.resolveScope(template)).isEqualTo(expected);
          assertThat(forward.bind(declaration, 0).id()).isEqualTo(StateId.of(expected, "n"));
          assertThat(backward.bind(declaration, 0).id()).isEqualTo(StateId.of(expected, "n"));
        }
      }
    }
  }

  @Test
  void withoutAClientTheServerPseudoClientIsUsedWhichNoClientIdReaches() {
    String server = base.resolveScope("$client");
    assertThat(server).isEqualTo("$server");
    for (String id : List.of("server", "$server", "$client", "()", "\\")) {
      assertThat(base.withClient(id).resolveScope("$client")).isNotEqualTo(server);
    }
  }

  @Test
  void userScopeWithoutUserFailsWithAMessageThatSaysWhatToDo() {
    StateException e = assertThrows(StateException.class, () -> base.resolveScope("cart.$user"));
    assertThat(e).hasMessageThat().contains("scope 'cart.$user' needs a user");
    assertThat(e).hasMessageThat().contains("withUser(userId)");
  }

  @Test
  void aUserStateBoundWithoutUserNamesComponentStateAndTheMissingUserWhenUsed() {
    StateDeclaration<List<String>> wishlist = StateDeclaration.of("shop.Cart", "wishlist", "wishlist",
        "$user", StateType.ofType(Types.parameterized(List.class, String.class)));
    StateRef<List<String>> ref = base.bind(wishlist, List.of());

    StateException e = assertThrows(StateException.class, ref::get);
    assertThat(e).hasMessageThat().isEqualTo("state 'wishlist' of shop.Cart has scope '$user', but it was"
        + " bound in a StateContext that has no user (a visitor who has not signed in): bind shop.Cart in a"
        + " context from withUser(userId) to use it");
    assertThat(assertThrows(StateException.class, () -> StateValues.requireBound(ref)))
        .hasMessageThat().isEqualTo(e.getMessage());
    assertThat(store.states()).isEmpty();
  }

  @Test
  void aBatchWithoutUserLoadsOnlyTheStatesItMayUseAndItsUserStatesRefuseEveryUse() {
    StateDeclaration<Integer> items =
        StateDeclaration.of("shop.Cart", "items", "items", "$client", StateType.of(int.class));
    StateDeclaration<Integer> points =
        StateDeclaration.of("shop.Cart", "points", "points", "cart.$user", StateType.of(int.class));
    StateContext anonymous = base.withClient("c1");
    StateBatch batch = StateBatch.of(anonymous, 2);
    StateRef<Integer> itemsRef = batch.bind(items, 3);
    StateRef<Integer> pointsRef = batch.bind(points, 0);
    batch.load();

    assertThat(itemsRef.get()).isEqualTo(3);
    assertThat(store.states().keySet()).containsExactly(itemsRef.id());
    StateException e = assertThrows(StateException.class, () -> StateValues.addInt(pointsRef, 1));
    assertThat(e).hasMessageThat().startsWith("state 'points' of shop.Cart has scope 'cart.$user'");
    assertThrows(StateException.class, () -> StateValues.requireBound(pointsRef));
    assertThat(StateValues.requireBound(itemsRef)).isSameInstanceAs(itemsRef);
  }

  @Test
  void componentScopeWithoutComponentKeyIsTheComponentClass() {
    StateDeclaration<String> note =
        StateDeclaration.of("shop.Cart", "note", "note", "$component", StateType.of(String.class));
    StateRef<String> ref = base.bind(note, "");
    assertThat(ref.id()).isEqualTo(StateId.of("$component(shop.Cart)", "note"));
    assertThat(base.forComponent("cart#1").bind(note, "").id())
        .isEqualTo(StateId.of("$component(cart#1)", "note"));
  }

  @Test
  void unknownPlaceholdersAndEmptyScopesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.resolveScope("$clinet"));
    assertThat(e).hasMessageThat().contains("unknown placeholder '$clinet'");
    assertThrows(IllegalArgumentException.class, () -> base.resolveScope("$server"));
    assertThrows(IllegalArgumentException.class, () -> base.resolveScope(""));
    assertThrows(IllegalArgumentException.class,
        () -> StateDeclaration.of("shop.Cart", "x", "x", "$clientele", StateType.of(int.class)));
  }

  @Test
  void dollarSignsThatStartNoWordAreLiteral() {
    assertThat(base.withClient("c").resolveScope("$$client$1$")).isEqualTo("$$client(c)$1$");
  }

  @Test
  void emptyOrNullIdsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> base.withClient(""));
    assertThrows(IllegalArgumentException.class, () -> base.withClient(null));
    assertThrows(IllegalArgumentException.class, () -> base.withUser(""));
    assertThrows(IllegalArgumentException.class, () -> base.withUser(null));
    assertThrows(IllegalArgumentException.class, () -> base.forComponent(""));
    assertThrows(IllegalArgumentException.class, () -> base.forComponent(null));
  }

  @Test
  void contextsAreImmutable() {
    StateContext client = base.withClient("a");
    client.withClient("b");
    client.withUser("u");
    assertThat(client.resolveScope("$client")).isEqualTo("$client(a)");
    assertThrows(StateException.class, () -> client.resolveScope("$user"));
  }

  /**
   * Every (scope template, client, user, component) combination over tricky ids: two combinations
   * resolve to the same scope only if they mean the same scope (same template, same ids where used).
   */
  @Test
  void resolutionIsInjective() {
    List<String> ids = new ArrayList<>(List.of("server", "$server", "$global", "a:b", "x.$client", "a)",
        "a\\", "a\\)", ")", "(", "$client(a)", "é€😀", "a", "b", "a.b", " "));
    ids.add("x".repeat(10_000));
    List<String> templates = List.of("$client", "$user", "$component", "$global", "server", "$server_",
        "cart.$client", "cart", "cart.", "$client.$user", "$client$user", "$client(a)", "a)", "x.",
        "$user.$client", "$client.", ".$client", "$component:$client", "$$client");
    Map<String, String> meaningByScope = new HashMap<>();
    List<String> clients = new ArrayList<>(ids);
    clients.add(null);
    for (String template : templates) {
      ScopeTemplate parsed;
      try {
        parsed = ScopeTemplate.parse(template);
      } catch (IllegalArgumentException rejected) {
        continue;
      }
      for (String client : clients) {
        for (String user : ids) {
          for (String component : List.of("a", "a)", "$client(a)", "cart#1")) {
            String meaning = template
                + (parsed.usesClient() ? "|client=" + client : "")
                + (parsed.usesUser() ? "|user=" + user : "")
                + (parsed.usesComponent() ? "|component=" + component : "");
            String scope = parsed.resolve(client, user, component);
            String previous = meaningByScope.putIfAbsent(scope, meaning);
            if (previous != null) {
              assertThat(meaning).isEqualTo(previous);
            }
          }
        }
      }
    }
    assertThat(meaningByScope.size()).isGreaterThan(1000);
  }
}
