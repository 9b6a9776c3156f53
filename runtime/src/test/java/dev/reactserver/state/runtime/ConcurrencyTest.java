package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.spi.StateValues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads on one state at once: no update is lost. */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 100_000;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void incrementsFromEightThreadsAreAllCounted() throws Exception {
    InMemoryStore store = new InMemoryStore();
    StateId id = StateId.of("shop", "visits");
    runTogether(() -> {
      StateRef<Long> visits = store.getState(0L, id);
      for (int i = 0; i < PER_THREAD; i++) {
        StateValues.addLong(visits, 1);
      }
      return null;
    });
    assertThat(store.getState(0L, id).get()).isEqualTo((long) THREADS * PER_THREAD);
  }

  @Test
  void updatesFromEightThreadsAreAllApplied() throws Exception {
    InMemoryStore store = new InMemoryStore();
    StateId id = StateId.of("shop", "log");
    runTogether(() -> {
      StateRef<Integer> count = store.getState(0, id);
      StateRef<String> tail = store.getState("", StateId.of("shop", "tail"));
      for (int i = 0; i < PER_THREAD; i++) {
        count.update(n -> n + 1);
        tail.update(s -> s.length() < 64 ? s + "x" : "");
      }
      return null;
    });
    assertThat(store.getState(0, id).get()).isEqualTo(THREADS * PER_THREAD);
    assertThat(store.getState("", StateId.of("shop", "tail")).get()).hasLength((THREADS * PER_THREAD) % 65);
  }

  @Test
  void handlesKeepWorkingWhileTheirScopeIsDeletedConcurrently() throws Exception {
    InMemoryStore store = new InMemoryStore();
    StateId id = StateId.of("$client(c)", "n");
    runTogether(() -> {
      StateRef<Integer> n = store.getState(0, id);
      for (int i = 0; i < PER_THREAD / 10; i++) {
        if (i % 1000 == 0) {
          store.deleteScope(id.scope());
        }
        int next = n.update(v -> v + 1);
        assertThat(next).isGreaterThan(0);
      }
      return null;
    });
    assertThat(store.states().keySet()).containsExactly(id);
  }

  private void runTogether(Callable<Void> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Void>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    for (Future<Void> future : futures) {
      future.get(2, TimeUnit.MINUTES);
    }
  }
}
