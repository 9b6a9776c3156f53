package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Update functions run while the store holds no lock that other user code can ask for: the races of
 * deletions with functions that read or write deleted states below would deadlock otherwise (nested
 * updates of observed states are in the conformance suite). Each is bounded, so a deadlock fails the test
 * instead of hanging the build.
 */
class LockOrderTest {

  private static final int ROUNDS = 200_000;

  private final ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "lock-order");
    thread.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
    return thread;
  });
  private final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aDeletionRacesAnUpdateWhoseFunctionReadsTheDeletedState() throws Exception {
    StateId a = StateId.of("g", "a");
    StateRef<Integer> b = store.getState(1, StateId.of("g", "b"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger deletedWhileUpdating = new AtomicInteger();
    runTogether(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        // The live state, observed, whose function reads b through a handle b's deletion left behind.
        store.getState(0, a).update(v -> v + b.get());
      }
      done.set(true);
      return null;
    }, () -> {
      while (!done.get()) {
        if (store.deleteScope("g") > 0) {
          deletedWhileUpdating.incrementAndGet();
        }
        store.getState(0, a).subscribe(change -> {});
      }
      return null;
    });
    assertThat(deletedWhileUpdating.get()).isGreaterThan(0); // the race ran
    StateRef<Integer> after = store.getState(0, a);
    int value = after.get();
    assertThat(after.update(v -> v + 1)).isEqualTo(value + 1); // and left no lock behind
  }

  @Test
  void aDeletionRacesAnUpdateOfADeletedStateWhoseFunctionUpdatesASiblingInAnotherScope() throws Exception {
    StateRef<Integer> a = store.getState(0, StateId.of("g", "a"));
    StateRef<Integer> b = store.getState(0, StateId.of("h", "b"));
    AtomicBoolean done = new AtomicBoolean();
    runTogether(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        a.update(v -> v + b.update(w -> w + 1) * 0 + 1);
        b.update(w -> w + a.update(v -> v + 1) * 0 + 1);
      }
      done.set(true);
      return null;
    }, () -> {
      while (!done.get()) {
        store.deleteScope("g");
        store.deleteScope("h");
        b.update(w -> w + a.update(v -> v + 1) * 0 + 1);
      }
      return null;
    });
  }

  private void runTogether(Callable<Void> first, Callable<Void> second) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Future<Void> one = pool.submit(() -> {
      start.await();
      return first.call();
    });
    Future<Void> two = pool.submit(() -> {
      start.await();
      return second.call();
    });
    one.get(1, TimeUnit.MINUTES);
    two.get(1, TimeUnit.MINUTES);
  }
}
