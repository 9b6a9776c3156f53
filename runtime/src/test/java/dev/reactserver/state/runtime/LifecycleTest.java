package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clients, users and component instances that end, or go idle, take their states with them. */
class LifecycleTest {

  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "$client", StateType.of(int.class));
  private static final StateDeclaration<String> NOTE =
      StateDeclaration.of("shop.Cart", "note", "note", "cart.$client", StateType.of(String.class));
  private static final StateDeclaration<String> DRAFT =
      StateDeclaration.of("shop.Cart", "draft", "draft", "$user.$client", StateType.of(String.class));
  private static final StateDeclaration<Integer> POINTS =
      StateDeclaration.of("shop.Cart", "points", "points", "$user", StateType.of(int.class));
  private static final StateDeclaration<Double> TOTAL =
      StateDeclaration.of("shop.Cart", "total", "total", "$component", StateType.of(double.class));
  private static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("shop.Cart", "visits", "visits", "shop", StateType.of(long.class));

  private final FakeClock clock = new FakeClock();

  @Test
  void endClientRemovesItsPlainAndCompositeScopesAndNothingElse() {
    InMemoryStore store = new InMemoryStore();
    StateContext alice = StateContext.of(store).withClient("c1").withUser("alice").forComponent("cart#1");
    StateContext bob = StateContext.of(store).withClient("c2").withUser("bob").forComponent("cart#1");
    bindAll(alice);
    bindAll(bob);

    assertThat(store.endClient("c1")).isEqualTo(3);

    assertThat(store.states().keySet()).containsExactly(
        StateId.of("$client(c2)", "items"),
        StateId.of("$component(cart#1)", "total"),
        StateId.of("$user(alice)", "points"),
        StateId.of("$user(bob)", "points"),
        StateId.of("$user(bob).$client(c2)", "draft"),
        StateId.of("cart.$client(c2)", "note"),
        StateId.of("shop", "visits"));
    assertThat(store.endClient("c1")).isEqualTo(0);
  }

  @Test
  void endUserAndEndComponentRemoveTheirScopes() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("alice").forComponent("cart#1");
    bindAll(ctx);

    assertThat(store.endUser("alice")).isEqualTo(2); // $user(alice) and $user(alice).$client(c1)
    assertThat(store.endComponent("cart#1")).isEqualTo(1);
    assertThat(store.endComponent("never-bound")).isEqualTo(0);

    assertThat(store.states().keySet()).containsExactly(
        StateId.of("$client(c1)", "items"),
        StateId.of("cart.$client(c1)", "note"),
        StateId.of("shop", "visits"));
  }

  @Test
  void clientIdsThatLookLikeScopeTextAreEndedExactly() {
    InMemoryStore store = new InMemoryStore();
    List<String> ids = List.of("a", "a)", "a\\", "$client(a)", "a).$user(b", "");
    for (String id : ids.subList(0, ids.size() - 1)) {
      bindAll(StateContext.of(store).withClient(id).withUser("u"));
    }
    long before = store.size();

    assertThat(store.endClient("a)")).isEqualTo(3);

    assertThat(store.size()).isEqualTo(before - 3);
    for (String id : List.of("a", "a\\", "$client(a)", "a).$user(b")) {
      assertThat(store.hasState(StateId.of(StateContext.of(store).withClient(id).resolveScope("$client"), "items")))
          .isTrue();
    }
    assertThrows(IllegalArgumentException.class, () -> store.endClient(""));
    assertThrows(IllegalArgumentException.class, () -> store.endUser(null));
  }

  @Test
  void endingAClientEndsTheSubscriptionsOfItsScopes() {
    InMemoryStore store = new InMemoryStore();
    StateContext ctx = StateContext.of(store).withClient("c1");
    StateRef<Integer> items = ctx.bind(ITEMS, 0);
    List<StateChange<Integer>> changes = new ArrayList<>();
    Subscription stateSubscription = items.subscribe(changes::add);
    Subscription scopeSubscription = store.subscribe(ctx.resolveScope("cart.$client"), change -> {});

    store.endClient("c1");

    assertThat(stateSubscription.isActive()).isFalse();
    assertThat(scopeSubscription.isActive()).isFalse();
    assertThat(changes).containsExactly(new StateChange<>(items.id(), 0, null, true));
  }

  @Test
  void aClientNotSeenForTheIdleTimeoutIsEnded() {
    InMemoryStore store = new InMemoryStore(StoreOptions.builder()
        .idleClientTimeout(Duration.ofMinutes(10)).clock(clock).build());
    StateContext idle = StateContext.of(store).withClient("idle").withUser("u1");
    StateContext busy = StateContext.of(store).withClient("busy").withUser("u2");
    bindAll(idle);
    bindAll(busy);

    clock.advance(Duration.ofMinutes(6));
    busy.bind(ITEMS, 0); // seen again
    clock.advance(Duration.ofMinutes(6));
    store.touchClient("busy");
    busy.bind(ITEMS, 0); // a client's bind runs the check once it is due

    assertThat(store.hasState(StateId.of("$client(idle)", "items"))).isFalse();
    assertThat(store.hasState(StateId.of("cart.$client(idle)", "note"))).isFalse();
    assertThat(store.hasState(StateId.of("$user(u1)", "points"))).isTrue(); // users are not clients
    assertThat(store.hasState(StateId.of("$client(busy)", "items"))).isTrue();

    clock.advance(Duration.ofMinutes(10));
    assertThat(store.expireIdleClients()).isEqualTo(3);
    assertThat(store.hasState(StateId.of("$client(busy)", "items"))).isFalse();
  }

  @Test
  void withoutIdleTimeoutClientsStay() {
    InMemoryStore store = new InMemoryStore(StoreOptions.builder().noIdleClientTimeout().clock(clock).build());
    bindAll(StateContext.of(store).withClient("c1").withUser("u1"));

    clock.advance(Duration.ofDays(365));

    assertThat(store.expireIdleClients()).isEqualTo(0);
    assertThat(store.size()).isEqualTo(6);
  }

  @Test
  void capOnStatesIsEnforcedWithAClearExceptionAndNothingCreated() {
    InMemoryStore store = new InMemoryStore(StoreOptions.builder().maxStates(2).build());
    StateContext ctx = StateContext.of(store).withClient("c1");
    ctx.bind(ITEMS, 0);
    ctx.bind(NOTE, "");

    StateLimitException e = assertThrows(StateLimitException.class, () -> ctx.bind(VISITS, 0L));

    assertThat(e).hasMessageThat().startsWith("cannot create state shop:visits: the store already holds its"
        + " maximum of 2 states (StoreOptions.maxStates)");
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.hasState(StateId.of("shop", "visits"))).isFalse();
    ctx.bind(ITEMS, 0).set(4); // existing states keep working

    store.endClient("c1");
    assertThat(ctx.bind(VISITS, 0L).get()).isEqualTo(0L);
  }

  @Test
  void optionsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> StoreOptions.builder().idleClientTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> StoreOptions.builder().maxStates(0));
    assertThrows(NullPointerException.class, () -> StoreOptions.builder().clock(null));
    assertThat(StoreOptions.defaults().idleClientTimeout()).hasValue(Duration.ofMinutes(30));
    assertThat(StoreOptions.defaults().listenerExecutor()).isEmpty();
    assertThat(StoreOptions.defaults().maxStates()).isEqualTo(Long.MAX_VALUE);
  }

  /** Binds one state of each kind of scope (6 states): 3 of them belong to the client. */
  private static void bindAll(StateContext ctx) {
    ctx.bind(ITEMS, 0);
    ctx.bind(NOTE, "");
    ctx.bind(DRAFT, "");
    ctx.bind(POINTS, 0);
    ctx.bind(VISITS, 0L);
    ctx.bind(TOTAL, 0.0); // without a component key: the component class's state
  }

  /** A clock that moves only when told. */
  static final class FakeClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
