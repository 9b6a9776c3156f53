package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * States declared {@code long}, which the in-memory store keeps in a primitive word while they fit in 62
 * bits and in a field of their own (every write locked) beyond.
 */
class LongStateTest {

  /** The largest value kept in the word; one more leaves it. */
  private static final long LARGEST_PACKED = (1L << 61) - 1;
  private static final long SMALLEST_PACKED = -(1L << 61);
  private static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("shop.Counter", "visits", "visits", "shop", StateType.of(long.class));
  private static final StateDeclaration<Long> BOXED_VISITS =
      StateDeclaration.of("shop.Board", "visits", "visits", "shop", StateType.of(Long.class));

  private final InMemoryStore store = new InMemoryStore();
  private final StateContext ctx = StateContext.of(store);

  @Test
  void readsWritesAndAddsEveryLongIncludingTheExtremes() {
    StateRef<Long> visits = ctx.bind(VISITS, 5L);

    visits.set(7L);
    assertThat(visits.update(v -> v * 2)).isEqualTo(14);
    assertThat(StateValues.addLong(visits, -20)).isEqualTo(-6);
    for (long value : new long[] {LARGEST_PACKED, LARGEST_PACKED + 1, SMALLEST_PACKED, SMALLEST_PACKED - 1,
        Long.MAX_VALUE, Long.MIN_VALUE, -1, 0}) {
      visits.set(value);
      assertThat(visits.get()).isEqualTo(value);
      assertThat(ctx.bind(BOXED_VISITS, 0L).get()).isEqualTo(value);
    }
    visits.set(Long.MAX_VALUE);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(Long.MIN_VALUE); // wraps
    assertThat(visits.toString()).isEqualTo("shop:visits=" + Long.MIN_VALUE);
  }

  @Test
  void addsCrossTheBoundaryOfTheWordBothWays() {
    StateRef<Long> visits = ctx.bind(VISITS, LARGEST_PACKED - 1);

    assertThat(StateValues.addLong(visits, 1)).isEqualTo(LARGEST_PACKED);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(LARGEST_PACKED + 1);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(LARGEST_PACKED + 2);
    assertThat(StateValues.addLong(visits, -3)).isEqualTo(LARGEST_PACKED - 1);
    assertThat(StateValues.addLong(visits, 5)).isEqualTo(LARGEST_PACKED + 4);
    assertThat(visits.update(v -> -v)).isEqualTo(-LARGEST_PACKED - 4);
    assertThat(visits.get()).isEqualTo(-LARGEST_PACKED - 4);
    assertThat(StateValues.addLong(visits, LARGEST_PACKED)).isEqualTo(-4);
  }

  @Test
  void startsLargeFromALargeInitialValue() {
    StateRef<Long> lowest = ctx.bind(VISITS, Long.MAX_VALUE);

    assertThat(lowest.get()).isEqualTo(Long.MAX_VALUE);
    assertThat(lowest.update(v -> Math.min(v, 42))).isEqualTo(42);
    assertThat(StateValues.addLong(lowest, 1)).isEqualTo(43);
  }

  @Test
  void cannotHoldNullAndSaysWhich() {
    StateRef<Long> visits = ctx.bind(VISITS, 5L);
    StateRef<Long> boxed = ctx.bind(BOXED_VISITS, 0L);

    StateException set = assertThrows(StateException.class, () -> boxed.set(null));
    StateException update = assertThrows(StateException.class, () -> visits.update(v -> null));

    assertThat(set).hasMessageThat().isEqualTo("state shop:visits is declared long and cannot hold null");
    assertThat(update).hasMessageThat().isEqualTo("state shop:visits is declared long and cannot hold null");
    assertThat(visits.get()).isEqualTo(5);
  }

  @Test
  void listenersHearEveryWriteInBothModesAndTheDeletion() {
    StateRef<Long> visits = ctx.bind(VISITS, LARGEST_PACKED - 1);
    List<StateChange<Long>> changes = new ArrayList<>();
    Subscription subscription = visits.subscribe(changes::add);

    StateValues.addLong(visits, 2); // into the large mode
    visits.set(5L); // and out
    store.createState(Long.MAX_VALUE, visits.id());
    subscription.close();
    StateValues.addLong(visits, 1); // unobserved and large
    visits.set(1L); // unobserved and plain: the lock-free path
    Subscription again = visits.subscribe(changes::add);
    visits.set(Long.MAX_VALUE);
    store.deleteState(visits.id());

    assertThat(changes).containsExactly(
        new StateChange<>(visits.id(), LARGEST_PACKED - 1, LARGEST_PACKED + 1, false),
        new StateChange<>(visits.id(), LARGEST_PACKED + 1, 5L, false),
        new StateChange<>(visits.id(), 5L, Long.MAX_VALUE, false),
        new StateChange<>(visits.id(), 1L, Long.MAX_VALUE, false),
        new StateChange<>(visits.id(), Long.MAX_VALUE, null, true)).inOrder();
    assertThat(again.isActive()).isFalse();
  }

  @Test
  void scopeListenersObserveLongStatesToo() {
    StateRef<Long> visits = ctx.bind(VISITS, 0L);
    List<StateChange<Object>> changes = new ArrayList<>();
    Subscription subscription = store.subscribe("shop", changes::add);

    StateValues.addLong(visits, 3);
    subscription.close();
    StateValues.addLong(visits, 3);

    assertThat(changes).containsExactly(new StateChange<>(visits.id(), 0L, 3L, false));
    assertThat(visits.get()).isEqualTo(6);
  }

  @Test
  void deletedHandleStartsAgainFromTheInitialValue() {
    StateRef<Long> visits = ctx.bind(VISITS, 4L);
    visits.set(Long.MIN_VALUE);

    store.deleteScope("shop");

    assertThat(visits.get()).isEqualTo(4);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(5);
    assertThat(ctx.bind(VISITS, 0L).get()).isEqualTo(5);
  }

  /**
   * Threads add +1 and -1 in turn around the boundary of the word, so the state keeps entering and leaving
   * the large mode, while one thread listens from time to time: the total is exact, and within each
   * subscription every change heard starts where the one before it ended.
   */
  @Test
  void concurrentAddsAcrossTheBoundaryLoseNothing() throws Exception {
    int threads = 4;
    int perThread = 200_000;
    int listenEvery = 10_000;
    StateRef<Long> visits = ctx.bind(VISITS, LARGEST_PACKED);
    List<List<StateChange<Long>>> windows = Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        boolean listens = t == 0;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            StateValues.addLong(visits, i % 2 == 0 ? 1 : -1);
            if (listens && i % listenEvery == 0) {
              List<StateChange<Long>> heard = Collections.synchronizedList(new ArrayList<>());
              windows.add(heard);
              try (Subscription listening = visits.subscribe(heard::add)) {
                visits.update(v -> v - 1);
                StateValues.addLong(visits, 1);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(visits.get()).isEqualTo(LARGEST_PACKED);
    assertThat(windows).hasSize(perThread / listenEvery);
    assertThat(windows.stream().mapToInt(List::size).sum()).isAtLeast(windows.size());
    for (List<StateChange<Long>> heard : windows) {
      for (int i = 0; i < heard.size(); i++) {
        StateChange<Long> change = heard.get(i);
        assertThat(Math.abs(change.newValue() - change.oldValue())).isEqualTo(1);
        if (i > 0) {
          assertThat(change.oldValue()).isEqualTo(heard.get(i - 1).newValue());
        }
      }
    }
  }
}
