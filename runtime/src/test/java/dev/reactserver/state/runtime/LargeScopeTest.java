package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.spi.StateValues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Scopes keep up to 8 states in an array and move to a hash map beyond: no state is lost or duplicated
 * across the move, also while other threads create and look up states of the same scope.
 */
class LargeScopeTest {

  private static final int KEYS = 64;
  private static final int THREADS = 4;

  @Test
  void growsPastTheArrayAndShrinksBack() {
    InMemoryStore store = new InMemoryStore();
    for (int i = 0; i < KEYS; i++) {
      store.getState(i, StateId.of("lobby", "k" + i));
    }
    assertThat(store.statesIn("lobby")).hasSize(KEYS);
    for (int i = 0; i < KEYS; i++) {
      assertThat(store.getState(-1, StateId.of("lobby", "k" + i)).get()).isEqualTo(i);
    }
    for (int i = 0; i < KEYS - 1; i++) {
      assertThat(store.deleteState(StateId.of("lobby", "k" + i))).isTrue();
    }
    assertThat(store.statesIn("lobby").keySet()).containsExactly("k" + (KEYS - 1));
    assertThat(store.deleteScope("lobby")).isEqualTo(1);
    assertThat(store.size()).isEqualTo(0);
  }

  @RepeatedTest(20)
  void concurrentCreatorsAgreeOnOneCellPerKey() throws Exception {
    InMemoryStore store = new InMemoryStore();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    AtomicInteger misses = new AtomicInteger();
    try {
      List<Future<List<StateRef<Integer>>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        results.add(pool.submit(() -> {
          start.await();
          List<StateRef<Integer>> refs = new ArrayList<>();
          for (int i = 0; i < KEYS; i++) {
            StateRef<Integer> ref = store.getState(0, StateId.of("lobby", "k" + i));
            StateValues.addInt(ref, 1);
            refs.add(ref);
            // Every state created so far, by anyone, stays visible while the scope grows.
            if (!store.hasState(StateId.of("lobby", "k" + (i / 2)))) {
              misses.incrementAndGet();
            }
          }
          return refs;
        }));
      }
      List<List<StateRef<Integer>>> refs = new ArrayList<>();
      for (Future<List<StateRef<Integer>>> result : results) {
        refs.add(result.get(1, TimeUnit.MINUTES));
      }

      assertThat(misses.get()).isEqualTo(0);
      assertThat(store.size()).isEqualTo(KEYS);
      for (int i = 0; i < KEYS; i++) {
        for (List<StateRef<Integer>> threadRefs : refs) {
          assertThat(threadRefs.get(i)).isSameInstanceAs(refs.get(0).get(i));
        }
        assertThat(refs.get(0).get(i).get()).isEqualTo(THREADS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
