package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 8 threads x 100,000 mixed operations on states that listeners watch: final values are exact, every
 * successful write is told exactly once, and each state's changes arrive in write order (each change
 * starts from the value the previous one ended with).
 */
class StressTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 100_000;
  private static final String SCOPE = "stress";
  private static final StateId COUNTER = StateId.of(SCOPE, "counter");
  private static final StateId LATEST = StateId.of(SCOPE, "latest");
  private static final StateId FLAKY = StateId.of(SCOPE, "flaky");
  private static final StateDeclaration<Integer> HITS =
      StateDeclaration.of("stress.Page", "hits", "hits", SCOPE, StateType.of(int.class));

  @ParameterizedTest(name = "listeners on {0}")
  @ValueSource(strings = {"the writing thread", "an executor"})
  void mixedOperationsWithListenersAreExactAndToldOnceInOrder(String delivery) throws Exception {
    ExecutorService listenerPool = Executors.newFixedThreadPool(2);
    StoreOptions.Builder options = StoreOptions.builder();
    if (delivery.equals("an executor")) {
      options.listenerExecutor(listenerPool);
    }
    InMemoryStore store = new InMemoryStore(options.build());
    StateRef<Long> counter = store.getState(0L, COUNTER);
    StateRef<Long> latest = store.getState(0L, LATEST);
    StateRef<Long> flaky = store.getState(0L, FLAKY);
    StateRef<Integer> hits = store.getState(0, StateId.of(SCOPE, "hits"), HITS); // a primitive cell

    ChangeLog scopeLog = new ChangeLog();
    ChangeLog counterLog = new ChangeLog();
    ChangeLog latestLog = new ChangeLog();
    ChangeLog hitsLog = new ChangeLog();
    store.subscribe(SCOPE, scopeLog::record);
    counter.subscribe(counterLog::record);
    latest.subscribe(latestLog::record);
    hits.subscribe(hitsLog::record);

    AtomicLong counterWrites = new AtomicLong();
    AtomicLong latestWrites = new AtomicLong();
    AtomicLong flakyWrites = new AtomicLong();
    AtomicLong flakyDeletes = new AtomicLong();
    ExecutorService writers = Executors.newFixedThreadPool(THREADS);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long thread = t;
      done.add(writers.submit(() -> {
        start.await();
        for (int i = 0; i < PER_THREAD; i++) {
          switch (i % 4) {
            case 0 -> {
              StateValues.addLong(counter, 1);
              StateValues.addInt(hits, 1);
            }
            case 1 -> counter.update(v -> v + 1);
            case 2 -> latest.set(thread * PER_THREAD + i);
            default -> {
              if (i % 40 == 3) {
                if (store.deleteState(FLAKY)) {
                  flakyDeletes.incrementAndGet();
                }
              } else {
                StateValues.addLong(flaky, 1);
                flakyWrites.incrementAndGet();
              }
            }
          }
          if (i % 4 < 2) {
            counterWrites.incrementAndGet();
          } else if (i % 4 == 2) {
            latestWrites.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> future : done) {
      future.get(2, TimeUnit.MINUTES);
    }
    writers.shutdown();
    listenerPool.shutdown();
    assertThat(listenerPool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

    assertThat(counter.get()).isEqualTo((long) THREADS * PER_THREAD / 2);
    assertThat(hits.get()).isEqualTo(THREADS * PER_THREAD / 4);
    assertThat(hitsLog.count(hits.id())).isEqualTo(THREADS * PER_THREAD / 4);
    assertThat(counterLog.count(COUNTER)).isEqualTo(counterWrites.get());
    assertThat(scopeLog.count(COUNTER)).isEqualTo(counterWrites.get());
    assertThat(latestLog.count(LATEST)).isEqualTo(latestWrites.get());
    assertThat(scopeLog.count(LATEST)).isEqualTo(latestWrites.get());
    assertThat(scopeLog.count(FLAKY)).isEqualTo(flakyWrites.get() + flakyDeletes.get());
    assertThat(scopeLog.lastValue(COUNTER)).isEqualTo(counter.get());
    assertThat(scopeLog.lastValue(LATEST)).isEqualTo(latest.get());
    assertThat(scopeLog.lastValue(FLAKY)).isEqualTo(store.hasState(FLAKY) ? flaky.get() : null);
    for (ChangeLog log : List.of(scopeLog, counterLog, latestLog, hitsLog)) {
      assertWithMessage("changes out of order").that(log.outOfOrder).isEmpty();
    }
  }

  /** Counts changes per state and checks that each starts where the previous one of its state ended. */
  private static final class ChangeLog {
    private record Last(long count, Long value) {}

    final Map<StateId, Last> last = new ConcurrentHashMap<>();
    final List<String> outOfOrder = new ArrayList<>();

    void record(StateChange<?> change) {
      Long old = change.oldValue() == null ? null : ((Number) change.oldValue()).longValue();
      Long next = change.newValue() == null ? null : ((Number) change.newValue()).longValue();
      last.compute(change.id(), (id, previous) -> {
        Long expectedOld = previous == null ? Long.valueOf(0L) : previous.value == null ? Long.valueOf(0L) : previous.value;
        if (!expectedOld.equals(old)) {
          synchronized (outOfOrder) {
            outOfOrder.add(id + ": " + old + " -> " + next + " after " + (previous == null ? null : previous.value));
          }
        }
        return new Last(previous == null ? 1 : previous.count + 1, next);
      });
    }

    long count(StateId id) {
      Last entry = last.get(id);
      return entry == null ? 0 : entry.count;
    }

    Long lastValue(StateId id) {
      return last.get(id).value;
    }
  }
}
