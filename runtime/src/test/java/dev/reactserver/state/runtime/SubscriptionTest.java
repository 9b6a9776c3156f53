package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.spi.StateValues;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Listeners of one state and of whole scopes: what they are told, when, and when they are let go. */
class SubscriptionTest {

  private final InMemoryStore store = new InMemoryStore();
  private final StateId visits = StateId.of("shop", "visits");

  @Test
  void theStoreCountsItsActiveSubscriptions() {
    StateRef<Integer> plain = store.getState(0, visits);
    StateRef<String> boxed = store.getState("", StateId.of("shop", "motto"));
    StateRef<Long> word = store.getState(0L, StateId.of("$client(c1)", "items"));
    Subscription a = plain.subscribe(change -> { });
    plain.subscribe(change -> { });
    boxed.subscribe(change -> { });
    word.subscribe(change -> { });
    Subscription scope = store.subscribe("shop", change -> { });
    assertThat(store.subscriptions()).isEqualTo(5);
    a.close();
    a.close();
    assertThat(store.subscriptions()).isEqualTo(4);
    store.deleteState(visits); // its remaining listener is retired
    assertThat(store.subscriptions()).isEqualTo(3);
    store.endClient("c1");
    assertThat(store.subscriptions()).isEqualTo(2);
    store.deleteScope("shop"); // the motto's listener and the scope's
    assertThat(store.subscriptions()).isEqualTo(0);
    scope.close();
    assertThat(store.subscriptions()).isEqualTo(0);
  }

  @Test
  void everyKindOfWriteIsToldWithOldAndNewValue() {
    StateRef<Long> ref = store.getState(0L, visits);
    List<StateChange<Long>> changes = new ArrayList<>();
    ref.subscribe(changes::add);

    ref.set(5L);
    ref.update(v -> v * 2);
    StateValues.addLong(ref, 3);
    store.createState(100L, visits);
    store.deleteState(visits);

    assertThat(changes).containsExactly(
        new StateChange<>(visits, 0L, 5L, false),
        new StateChange<>(visits, 5L, 10L, false),
        new StateChange<>(visits, 10L, 13L, false),
        new StateChange<>(visits, 13L, 100L, false),
        new StateChange<>(visits, 100L, null, true)).inOrder();
  }

  @Test
  void creatingAStateIsNotAChange() {
    List<StateChange<Object>> changes = new ArrayList<>();
    store.subscribe("shop", changes::add);

    store.getState(0L, visits);
    store.createState("x", StateId.of("shop", "title"));

    assertThat(changes).isEmpty();
  }

  @Test
  void scopeListenerHearsEveryStateOfItsScopeIncludingLaterOnesAndNoOther() {
    StateRef<Long> before = store.getState(0L, visits);
    List<StateChange<Object>> changes = new ArrayList<>();
    store.subscribe("shop", changes::add);

    before.set(1L);
    StateRef<String> later = store.getState("", StateId.of("shop", "title"));
    later.set("open");
    store.getState(0, StateId.of("lobby", "visits")).set(7);

    assertThat(changes).containsExactly(
        new StateChange<>(visits, 0L, 1L, false),
        new StateChange<>(StateId.of("shop", "title"), "", "open", false)).inOrder();
  }

  @Test
  void subscribingToAnEmptyScopeHearsStatesCreatedLater() {
    List<StateChange<Object>> changes = new ArrayList<>();
    store.subscribe("$client(c1)", changes::add);

    store.getState(0, StateId.of("$client(c1)", "items")).set(3);

    assertThat(changes).containsExactly(new StateChange<>(StateId.of("$client(c1)", "items"), 0, 3, false));
  }

  @Test
  void deletingAScopeTellsEachDeletionAndEndsTheScopesSubscriptions() {
    store.getState(1, StateId.of("shop", "a"));
    store.getState(2, StateId.of("shop", "b"));
    List<StateChange<Object>> changes = new ArrayList<>();
    Subscription subscription = store.subscribe("shop", changes::add);

    assertThat(store.deleteScope("shop")).isEqualTo(2);

    assertThat(changes).containsExactly(
        new StateChange<>(StateId.of("shop", "a"), 1, null, true),
        new StateChange<>(StateId.of("shop", "b"), 2, null, true));
    assertThat(subscription.isActive()).isFalse();
    store.getState(0, StateId.of("shop", "a")).set(9);
    assertThat(changes).hasSize(2);
  }

  @Test
  void deletingAStateEndsItsSubscriptionsButTheHandleLivesOn() {
    StateRef<Long> ref = store.getState(0L, visits);
    List<StateChange<Long>> changes = new ArrayList<>();
    Subscription subscription = ref.subscribe(changes::add);

    store.deleteState(visits);
    ref.set(4L);

    assertThat(subscription.isActive()).isFalse();
    assertThat(changes).containsExactly(new StateChange<>(visits, 0L, null, true));
    assertThat(ref.get()).isEqualTo(4L);
  }

  @Test
  void subscribingThroughADeletedHandleListensToTheLiveState() {
    StateRef<Long> ref = store.getState(0L, visits);
    store.deleteState(visits);
    List<StateChange<Long>> changes = new ArrayList<>();

    Subscription subscription = ref.subscribe(changes::add);
    store.getState(0L, visits).set(2L);

    assertThat(subscription.isActive()).isTrue();
    assertThat(changes).containsExactly(new StateChange<>(visits, 0L, 2L, false));
  }

  @Test
  void closedSubscriptionHearsNothingMore() {
    StateRef<Long> ref = store.getState(0L, visits);
    List<StateChange<Long>> changes = new ArrayList<>();
    Subscription subscription = ref.subscribe(changes::add);

    ref.set(1L);
    subscription.close();
    subscription.close();
    ref.set(2L);

    assertThat(subscription.isActive()).isFalse();
    assertThat(changes).containsExactly(new StateChange<>(visits, 0L, 1L, false));
  }

  @Test
  void throwingListenerFailsNeitherTheWriteNorTheOtherListeners() {
    StateRef<Long> ref = store.getState(0L, visits);
    ref.subscribe(change -> {
      throw new IllegalStateException("listener bug");
    });
    List<StateChange<Long>> changes = new ArrayList<>();
    ref.subscribe(changes::add);

    ref.set(1L);

    assertThat(ref.get()).isEqualTo(1L);
    assertThat(changes).containsExactly(new StateChange<>(visits, 0L, 1L, false));
  }

  @Test
  void listenerThatWritesTheSameStateSeesChangesInWriteOrder() {
    StateRef<Long> ref = store.getState(0L, visits);
    ref.subscribe(change -> {
      if (!change.deleted() && change.newValue() < 3) {
        ref.update(v -> v + 1);
      }
    });
    List<Long> seen = new ArrayList<>();
    ref.subscribe(change -> seen.add(change.newValue()));

    ref.set(1L);

    assertThat(ref.get()).isEqualTo(3L);
    assertThat(seen).containsExactly(1L, 2L, 3L).inOrder();
  }

  @Test
  void listenerExecutorTellsChangesOffTheWritingThreadInOrder() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      InMemoryStore async = new InMemoryStore(StoreOptions.builder().listenerExecutor(executor).build());
      StateRef<Integer> ref = async.getState(0, visits);
      List<Integer> seen = new CopyOnWriteArrayList<>();
      List<Thread> threads = new CopyOnWriteArrayList<>();
      ref.subscribe(change -> {
        threads.add(Thread.currentThread());
        seen.add(change.newValue());
      });

      for (int i = 1; i <= 1000; i++) {
        ref.set(i);
      }
      executor.shutdown();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      List<Integer> expected = new ArrayList<>();
      for (int i = 1; i <= 1000; i++) {
        expected.add(i);
      }
      assertThat(seen).containsExactlyElementsIn(expected).inOrder();
      assertThat(threads).doesNotContain(Thread.currentThread());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void closingASubscriptionLetsTheStoreForgetTheListener() {
    StateRef<Long> ref = store.getState(0L, visits);
    WeakReference<StateListener<Long>> listener = new WeakReference<>(newListener());
    Subscription subscription = subscribeWeakly(ref, listener);

    subscription.close();

    assertCollected(listener);
    ref.set(1L); // the state still works without its listener
    assertThat(ref.get()).isEqualTo(1L);
  }

  @Test
  void deletingTheStateLetsTheStoreForgetTheListener() {
    StateRef<Long> ref = store.getState(0L, visits);
    WeakReference<StateListener<Long>> listener = new WeakReference<>(newListener());
    subscribeWeakly(ref, listener);

    store.deleteState(visits);

    assertCollected(listener);
  }

  @Test
  void deletingTheScopeLetsTheStoreForgetItsListeners() {
    StateRef<Long> ref = store.getState(0L, visits);
    WeakReference<StateListener<Long>> stateListener = new WeakReference<>(newListener());
    subscribeWeakly(ref, stateListener);
    WeakReference<StateListener<Object>> scopeListener = new WeakReference<>(newListener());
    store.subscribe("shop", scopeListener.get());

    store.deleteScope("shop");

    assertCollected(stateListener);
    assertCollected(scopeListener);
  }

  /** A listener object of its own (a lambda that captures nothing may be one shared instance). */
  private static <T> StateListener<T> newListener() {
    return new StateListener<>() {
      @Override
      public void onChange(StateChange<T> change) {}
    };
  }

  /** Subscribes the listener without the test holding it or its subscription. */
  private static <T> Subscription subscribeWeakly(StateRef<T> ref, WeakReference<StateListener<T>> listener) {
    return ref.subscribe(listener.get());
  }

  static void assertCollected(WeakReference<?> reference) {
    for (int i = 0; i < 50 && reference.get() != null; i++) {
      System.gc();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(reference.get()).isNull();
  }
}
