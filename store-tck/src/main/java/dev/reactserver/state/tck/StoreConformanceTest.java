package dev.reactserver.state.tck;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.StateTypeException;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.Subscription;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import dev.reactserver.state.runtime.spi.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every {@link Store} must do, whatever keeps its states: extend this class, return a fresh, empty
 * store from {@link #newStore()}, and every test here runs against it. Stores whose listeners are told
 * asynchronously (another node, a pub/sub channel) pass too: listener assertions wait up to
 * {@link #deliveryTimeout()}.
 */
public abstract class StoreConformanceTest {

  private static final StateDeclaration<Integer> COUNT =
      StateDeclaration.of("tck.Counter", "count", "count", "lobby", StateType.of(int.class));
  private static final StateDeclaration<Integer> BOXED_COUNT =
      StateDeclaration.of("tck.Board", "count", "count", "lobby", StateType.of(Integer.class));
  private static final StateDeclaration<String> TEXT_COUNT =
      StateDeclaration.of("tck.Banner", "text", "count", "lobby", StateType.of(String.class));
  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("tck.Cart", "items", "items", "$client", StateType.of(int.class));
  private static final StateDeclaration<String> NOTE =
      StateDeclaration.of("tck.Cart", "note", "note", "cart.$client", StateType.of(String.class));
  private static final StateDeclaration<String> DRAFT =
      StateDeclaration.of("tck.Cart", "draft", "draft", "$user.$client", StateType.of(String.class));
  private static final StateDeclaration<Integer> POINTS =
      StateDeclaration.of("tck.Cart", "points", "points", "$user", StateType.of(int.class));
  private static final StateDeclaration<Long> LOWEST =
      StateDeclaration.of("tck.Record", "lowest", "lowest", "lobby", StateType.of(long.class));
  private static final StateDeclaration<Double> TOTAL =
      StateDeclaration.of("tck.Cart", "total", "total", "$component", StateType.of(double.class));

  /** The store under test, fresh and empty for each test. */
  protected Store store;

  /** Returns a new, empty store. */
  protected abstract Store newStore();

  /** Releases what {@link #newStore()} opened; by default nothing. */
  protected void dispose(Store store) {}

  /**
   * How many rounds of increments and updates each thread of the concurrent workloads (four threads on one
   * state) makes; 2,500 by default. A store whose every call is a slow round trip may make fewer.
   */
  protected int workloadRounds() {
    return 2_500;
  }

  /**
   * How long the concurrent workloads (four threads × {@link #workloadRounds()} rounds) may take
   * before the test calls them hung; a minute by default, longer for servers with millisecond round trips.
   */
  protected Duration workloadTimeout() {
    return Duration.ofMinutes(1);
  }

  /** How long a listener may take to be told of a change. */
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(5);
  }

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  @AfterEach
  void disposeStore() {
    dispose(store);
  }

  // ---- the state SPI ----

  @Test
  void getStateCreatesOnceThenFindsTheSameState() {
    StateId id = StateId.of("shop", "visits");

    StateRef<Long> first = store.getState(1L, id);
    first.set(5L);
    StateRef<Long> second = store.getState(99L, id);

    assertThat(second.get()).isEqualTo(5L);
    assertThat(second.id()).isEqualTo(id);
    assertThat(store.hasState(id)).isTrue();
  }

  @Test
  void createStateCreatesOrOverwrites() {
    StateId id = StateId.of("shop", "title");

    store.createState("new", id);
    assertThat(store.getState("ignored", id).get()).isEqualTo("new");
    store.createState("again", id);

    assertThat(store.getState("ignored", id).get()).isEqualTo("again");
  }

  @Test
  void deleteStateReportsWhetherItExisted() {
    StateId id = StateId.of("shop", "visits");
    store.getState(0L, id);

    assertThat(store.deleteState(id)).isTrue();
    assertThat(store.deleteState(id)).isFalse();
    assertThat(store.hasState(id)).isFalse();
  }

  @Test
  void statesInIsASortedSnapshotOfOneScope() {
    store.getState(2, StateId.of("lobby", "b"));
    store.getState(1, StateId.of("lobby", "a"));
    store.getState(3, StateId.of("other", "c"));

    var lobby = store.statesIn("lobby");
    store.getState(4, StateId.of("lobby", "d"));

    assertThat(lobby.keySet()).containsExactly("a", "b").inOrder();
    assertThat(lobby.get("a").get()).isEqualTo(1);
    assertThat(store.statesIn("nobody")).isEmpty();
    assertThat(store.states().keySet()).containsExactly(StateId.of("lobby", "a"), StateId.of("lobby", "b"),
        StateId.of("lobby", "d"), StateId.of("other", "c")).inOrder();
  }

  @Test
  void deleteScopeDeletesThatScopeOnlyAndCounts() {
    store.getState(1, StateId.of("lobby", "a"));
    store.getState(2, StateId.of("lobby", "b"));
    store.getState(3, StateId.of("lobby2", "a"));

    assertThat(store.deleteScope("lobby")).isEqualTo(2);
    assertThat(store.deleteScope("lobby")).isEqualTo(0);

    assertThat(store.states().keySet()).containsExactly(StateId.of("lobby2", "a"));
  }

  @Test
  void deleteScopeOfAClientLeavesTheCompositeScopesThatSubstitutedIt() {
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("ada");
    StateRef<Integer> items = ctx.bind(ITEMS, 0);
    StateRef<String> note = ctx.bind(NOTE, "gift");
    ctx.bind(DRAFT, "");
    List<StateChange<Integer>> itemChanges = new CopyOnWriteArrayList<>();
    items.subscribe(itemChanges::add);
    Subscription noteSubscription = note.subscribe(change -> {});
    String client = ctx.resolveScope("$client");

    assertThat(store.statesIn(client)).hasSize(1);
    assertThat(store.deleteScope(client)).isEqualTo(1);

    assertThat(store.states().keySet()).containsExactly(
        StateId.of(ctx.resolveScope("$user.$client"), "draft"), StateId.of(ctx.resolveScope("cart.$client"), "note"));
    awaitSize(itemChanges, 1);
    assertThat(itemChanges.get(0).deleted()).isTrue();
    assertThat(noteSubscription.isActive()).isTrue();
    assertThat(note.get()).isEqualTo("gift");
    assertThat(store.endClient("c1")).isEqualTo(2); // ending the client still reaches them
  }

  @Test
  void deleteScopeOfAUserLeavesTheCompositeScopesThatSubstitutedIt() {
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("ada");
    ctx.bind(POINTS, 1);
    ctx.bind(DRAFT, "");

    assertThat(store.deleteScope(ctx.resolveScope("$user"))).isEqualTo(1);

    assertThat(store.states().keySet()).containsExactly(StateId.of(ctx.resolveScope("$user.$client"), "draft"));
    assertThat(store.endUser("ada")).isEqualTo(1);
  }

  @Test
  void aHandleWhoseStateWasDeletedStartsAgainFromItsInitialValue() {
    StateId id = StateId.of("lobby", "a");
    StateRef<Integer> handle = store.getState(7, id);
    handle.set(8);

    store.deleteScope("lobby");

    assertThat(handle.get()).isEqualTo(7);
    assertThat(store.hasState(id)).isTrue();
  }

  @Test
  void scopesAndKeysWithSeparatorsStayDistinct() {
    List<StateId> ids = List.of(StateId.of("a:b", "c"), StateId.of("a", "b:c"), StateId.of("a\\", ":b"),
        StateId.of("a", "\\:b"), StateId.of("", ""), StateId.of("é😀", "$client(x)"));
    for (int i = 0; i < ids.size(); i++) {
      store.getState(i, ids.get(i));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertThat(store.getState(-1, ids.get(i)).get()).isEqualTo(i);
    }
    assertThat(store.states()).hasSize(ids.size());
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> store.getState(0, null));
    assertThrows(NullPointerException.class, () -> store.statesIn(null));
    assertThrows(NullPointerException.class, () -> store.deleteScope(null));
    assertThrows(NullPointerException.class, () -> store.subscribe("lobby", null));
    assertThrows(NullPointerException.class, () -> store.getState(0, StateId.of("a", "b")).update(null));
  }

  // ---- atomic writes ----

  @Test
  void updatesAndIncrementsFromFourThreadsLoseNothing() throws Exception {
    StateRef<Long> visits = store.getState(0L, StateId.of("shop", "visits"));
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 0);
    int threads = 4;
    int perThread = workloadRounds();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            StateValues.addLong(visits, 1);
            visits.update(v -> v + 2);
            StateValues.addInt(count, 1);
            count.update(v -> v + 2);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(workloadTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(visits.get()).isEqualTo(3L * threads * perThread);
    assertThat(count.get()).isEqualTo(3 * threads * perThread);
  }

  @Test
  void updatesNestedInEachOthersFunctionsInOppositeOrderFinish() throws Exception {
    runUpdatesNestedInOppositeOrder(store.getState(0L, StateId.of("lobby", "a")),
        store.getState(0L, StateId.of("lobby", "b")), 0L);
  }

  @Test
  void nestedUpdatesOfStatesWithListenersFinish() throws Exception {
    StateRef<Long> a = store.getState(0L, StateId.of("lobby", "a"));
    StateRef<Long> b = store.getState(0L, StateId.of("lobby", "b"));
    a.subscribe(change -> {});
    b.subscribe(change -> {});
    runUpdatesNestedInOppositeOrder(a, b, 0L);
  }

  @Test
  void nestedUpdatesOfStatesWithAScopeListenerFinish() throws Exception {
    StateRef<Long> a = store.getState(0L, StateId.of("lobby", "a"));
    StateRef<Long> b = store.getState(0L, StateId.of("lobby", "b"));
    store.subscribe("lobby", change -> {});
    runUpdatesNestedInOppositeOrder(a, b, 0L);
  }

  @Test
  void nestedUpdatesOfLongStatesBeyond62BitsWithListenersFinish() throws Exception {
    long start = 1L << 61; // the least value a long state keeps outside its word
    StateRef<Long> a = store.getState(start, StateId.of("lobby", "a"), LOWEST);
    StateRef<Long> b = store.getState(start, StateId.of("lobby", "b"), LOWEST);
    a.subscribe(change -> {});
    b.subscribe(change -> {});
    runUpdatesNestedInOppositeOrder(a, b, start);
  }

  /**
   * The nested updates of the test above, many more of them: an update whose function updates the state
   * the other thread keeps writing (every two round trips, without pause) must not lose a hundred attempts
   * in a row to it.
   */
  @Test
  void manyNestedUpdatesInOppositeOrdersAllFinish() throws Exception {
    StateRef<Long> a = store.getState(0L, StateId.of("lobby", "a"));
    StateRef<Long> b = store.getState(0L, StateId.of("lobby", "b"));
    a.subscribe(change -> {}); // listeners: every write tells its change, so attempts take longer
    b.subscribe(change -> {});
    runUpdatesNestedInOppositeOrder(a, b, 0L, contendedNestedUpdateRounds());
  }

  /**
   * How many nested updates each thread of {@link #manyNestedUpdatesInOppositeOrdersAllFinish} runs: a
   * starved update loses a hundred attempts in a row only now and then, so it takes many.
   */
  protected int contendedNestedUpdateRounds() {
    return 2000;
  }

  /** How many nested updates each of the two threads of the nested-update tests runs. */
  protected int nestedUpdateRounds() {
    return 200;
  }

  /**
   * Two threads update {@code a} with a function that updates {@code b}, and {@code b} with one that
   * updates {@code a}: no store may hold a lock that the other thread's function needs. Bounded: a
   * deadlock fails the test instead of hanging the build.
   */
  private void runUpdatesNestedInOppositeOrder(StateRef<Long> a, StateRef<Long> b, long start)
      throws Exception {
    runUpdatesNestedInOppositeOrder(a, b, start, nestedUpdateRounds());
  }

  private void runUpdatesNestedInOppositeOrder(StateRef<Long> a, StateRef<Long> b, long start, int rounds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "nested-updates");
      thread.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
      return thread;
    });
    try {
      CyclicBarrier go = new CyclicBarrier(2);
      Future<?> ab = pool.submit(() -> {
        go.await();
        for (int i = 0; i < rounds; i++) {
          a.update(v -> v + b.update(w -> w + 1) * 0 + 1);
        }
        return null;
      });
      Future<?> ba = pool.submit(() -> {
        go.await();
        for (int i = 0; i < rounds; i++) {
          b.update(v -> v + a.update(w -> w + 1) * 0 + 1);
        }
        return null;
      });
      ab.get(1, TimeUnit.MINUTES);
      ba.get(1, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    // An outer function may run more than once, and its inner update with it.
    assertThat(a.get()).isAtLeast(start + 2L * rounds);
    assertThat(b.get()).isAtLeast(start + 2L * rounds);
  }

  // ---- subscriptions ----

  @Test
  void stateListenerHearsEveryWriteInOrderAndTheDeletionLast() {
    StateId id = StateId.of("lobby", "count");
    StateRef<Long> ref = store.getState(0L, id);
    List<StateChange<Long>> changes = new CopyOnWriteArrayList<>();
    Subscription subscription = ref.subscribe(changes::add);

    ref.set(1L);
    ref.update(v -> v + 10);
    StateValues.addLong(ref, 100);
    store.createState(5L, id);
    store.deleteState(id);

    awaitSize(changes, 5);
    assertThat(changes).containsExactly(
        new StateChange<>(id, 0L, 1L, false),
        new StateChange<>(id, 1L, 11L, false),
        new StateChange<>(id, 11L, 111L, false),
        new StateChange<>(id, 111L, 5L, false),
        new StateChange<>(id, 5L, null, true)).inOrder();
    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  void scopeListenerHearsStatesCreatedLaterButNotCreationItself() {
    List<StateChange<Object>> changes = new CopyOnWriteArrayList<>();
    store.subscribe("lobby", changes::add);

    StateRef<String> title = store.getState("", StateId.of("lobby", "title"));
    title.set("open");
    store.getState(0, StateId.of("elsewhere", "title")).set(1);

    awaitSize(changes, 1);
    assertThat(changes).containsExactly(new StateChange<>(StateId.of("lobby", "title"), "", "open", false));
  }

  @Test
  void closedSubscriptionHearsNothingMore() throws InterruptedException {
    StateRef<Integer> ref = store.getState(0, StateId.of("lobby", "count"));
    List<StateChange<Integer>> changes = new CopyOnWriteArrayList<>();
    Subscription subscription = ref.subscribe(changes::add);
    ref.set(1);
    awaitSize(changes, 1);

    subscription.close();
    List<StateChange<Integer>> marker = new CopyOnWriteArrayList<>();
    ref.subscribe(marker::add);
    ref.set(2);
    ref.set(3); // once a listener hears 3, every listener of 2 has been told of it

    assertThat(subscription.isActive()).isFalse();
    awaitSize(marker, 2);
    assertThat(changes).hasSize(1);
  }

  @Test
  void aThrowingListenerFailsNeitherTheWriteNorOtherListeners() {
    StateRef<Integer> ref = store.getState(0, StateId.of("lobby", "count"));
    ref.subscribe(change -> {
      throw new IllegalStateException("a listener's bug (expected by the test)");
    });
    List<StateChange<Integer>> changes = new CopyOnWriteArrayList<>();
    ref.subscribe(changes::add);

    ref.set(1);

    assertThat(ref.get()).isEqualTo(1);
    awaitSize(changes, 1);
  }

  // ---- lifecycle ----

  @Test
  void endClientRemovesItsPlainAndCompositeScopesAndNothingElse() {
    StateContext ada = StateContext.of(store).withClient("c1").withUser("ada").forComponent("cart#1");
    StateContext bob = StateContext.of(store).withClient("c2").withUser("bob").forComponent("cart#1");
    bindAll(ada);
    bindAll(bob);

    assertThat(store.endClient("c1")).isEqualTo(3);
    assertThat(store.endClient("c1")).isEqualTo(0);

    assertThat(store.states().keySet()).containsExactly(
        StateId.of(bob.resolveScope("$client"), "items"),
        StateId.of(bob.resolveScope("$component"), "total"),
        StateId.of(ada.resolveScope("$user"), "points"),
        StateId.of(bob.resolveScope("$user"), "points"),
        StateId.of(bob.resolveScope("$user.$client"), "draft"),
        StateId.of(bob.resolveScope("cart.$client"), "note"));
  }

  @Test
  void endUserAndEndComponentRemoveTheirScopes() {
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("ada").forComponent("cart#1");
    bindAll(ctx);

    assertThat(store.endUser("ada")).isEqualTo(2);
    assertThat(store.endComponent("cart#1")).isEqualTo(1);
    assertThat(store.endComponent("never-bound")).isEqualTo(0);

    assertThat(store.states().keySet()).containsExactly(
        StateId.of(ctx.resolveScope("$client"), "items"), StateId.of(ctx.resolveScope("cart.$client"), "note"));
  }

  @Test
  void endingAClientEndsTheSubscriptionsOfItsStates() {
    StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 0);
    List<StateChange<Integer>> changes = new CopyOnWriteArrayList<>();
    Subscription subscription = items.subscribe(changes::add);

    store.endClient("c1");

    awaitSize(changes, 1);
    assertThat(changes.get(0).deleted()).isTrue();
    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  void aContextWithoutAUserBindsUserStatesButCreatesNoneAndRefusesToUseThem() {
    StateContext anonymous = StateContext.of(store).withClient("c1");
    StateRef<Integer> items = anonymous.bind(ITEMS, 0);
    StateRef<Integer> points = anonymous.bind(POINTS, 0);
    StateRef<String> draft = anonymous.bind(DRAFT, "");

    items.set(2);
    assertThat(items.get()).isEqualTo(2);
    assertThat(store.states().keySet()).containsExactly(StateId.of(anonymous.resolveScope("$client"), "items"));
    for (StateRef<?> needsUser : List.of(points, draft)) {
      String field = needsUser == points ? "'points'" : "'draft'";
      assertNeedsAUser(needsUser::get, field);
      assertNeedsAUser(needsUser::id, field);
      assertNeedsAUser(() -> needsUser.update(value -> value), field);
      assertNeedsAUser(() -> needsUser.subscribe(change -> {}), field);
    }
    assertNeedsAUser(() -> points.set(1), "'points'");
    assertNeedsAUser(() -> StateValues.addInt(points, 1), "'points'");
    assertNeedsAUser(() -> anonymous.bind(POINTS, 0).get(), "'points'");
    assertThat(store.states()).hasSize(1);
  }

  /** {@code use} throws the StateException that names the component, the state and the missing user. */
  private static void assertNeedsAUser(Executable use, String quotedField) {
    StateException e = assertThrows(StateException.class, use);
    assertThat(e).hasMessageThat().contains("state " + quotedField + " of tck.Cart");
    assertThat(e).hasMessageThat().contains("has no user");
    assertThat(e).hasMessageThat().contains("withUser(userId)");
  }

  @Test
  void emptyIdsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> store.endClient(""));
    assertThrows(IllegalArgumentException.class, () -> store.endUser(null));
    assertThrows(IllegalArgumentException.class, () -> store.endComponent(""));
    assertThrows(IllegalArgumentException.class, () -> store.touchClient(""));
  }

  // ---- declared types ----

  @Test
  void aSecondDeclarationWithAnotherTypeFailsNamingBoth() {
    StateContext ctx = StateContext.of(store);
    ctx.bind(COUNT, 0);

    StateTypeException e = assertThrows(StateTypeException.class, () -> ctx.bind(TEXT_COUNT, ""));

    assertThat(e).hasMessageThat().contains("tck.Counter.count (int) and tck.Banner.text (java.lang.String)");
  }

  @Test
  void aStateCreatedWithoutADeclarationTakesTheFirstOneThatFits() {
    StateContext ctx = StateContext.of(store);
    store.getState(5, StateId.of("lobby", "count"));

    StateRef<Integer> count = ctx.bind(COUNT, 0);
    StateTypeException e = assertThrows(StateTypeException.class, () -> ctx.bind(TEXT_COUNT, ""));

    assertThat(count.get()).isEqualTo(5);
    assertThat(e).hasMessageThat().contains("tck.Counter.count (int) and tck.Banner.text (java.lang.String)");
  }

  @Test
  void aPrimitiveAndItsBoxAreOneType() {
    StateContext ctx = StateContext.of(store);
    StateRef<Integer> primitive = ctx.bind(COUNT, 0);
    StateRef<Integer> boxed = ctx.bind(BOXED_COUNT, 5);

    boxed.set(3);

    assertThat(primitive.get()).isEqualTo(3);
  }

  @Test
  void genericArgumentsAreComparedToo() {
    StateContext ctx = StateContext.of(store);
    ctx.bind(StateDeclaration.of("tck.A", "tags", "tags", "lobby",
        StateType.<List<String>>ofType(Types.parameterized(List.class, String.class))), List.of());

    assertThrows(StateTypeException.class, () -> ctx.bind(StateDeclaration.of("tck.B", "tags", "tags", "lobby",
        StateType.<List<Integer>>ofType(Types.parameterized(List.class, Integer.class))), List.of()));
  }

  /** Binds 6 states, 3 of them the client's (the plain, a composite and a user-and-client scope). */
  private static void bindAll(StateContext ctx) {
    ctx.bind(ITEMS, 0);
    ctx.bind(NOTE, "");
    ctx.bind(DRAFT, "");
    ctx.bind(POINTS, 0);
    ctx.bind(TOTAL, 0.0);
  }

  private void awaitSize(List<?> changes, int size) {
    Awaitility.await().atMost(deliveryTimeout()).until(() -> changes.size() >= size);
    assertThat(changes).hasSize(size);
  }
}
