package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.StateValues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An update that keeps losing its compare-and-set holds its row until it has written: other nodes that
 * add without pause cannot starve it. Its function may read other states meanwhile; a write from it is
 * refused (it could wait on a row whose holder waits on this one) and the update goes on without holding.
 */
class PostgresHeldUpdateTest {

  private static final StateId VISITS = StateId.of("lobby", "visits");
  private static final StateId LAST_SEEN = StateId.of("lobby", "lastSeen");
  private static final int UPDATES = 40;
  private static final long STEP = 1_000_000_000L;

  private final String schema = TestPostgres.freshSchema();
  private final List<PostgresStore> nodes = new ArrayList<>();
  private final ExecutorService adders = Executors.newFixedThreadPool(4);
  private final AtomicBoolean adding = new AtomicBoolean(true);
  private final List<Future<?>> pending = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    adding.set(false);
    adders.shutdownNow();
    adders.awaitTermination(1, TimeUnit.MINUTES);
    nodes.forEach(PostgresStore::close);
  }

  @Test
  void anUpdateGetsItsTurnWhileAnotherNodeAddsWithoutPause() throws Exception {
    StateRef<Long> visits = node(5).getState(0L, VISITS);
    AtomicLong added = addWithoutPause(node(100).getState(0L, VISITS));

    for (int i = 0; i < UPDATES; i++) {
      visits.update(v -> v + STEP); // five attempts: the third loses, then the row is held
    }
    stopAdding();

    assertThat(visits.get()).isEqualTo(UPDATES * STEP + added.get());
    assertThat(added.get()).isGreaterThan(0L);
  }

  @Test
  void aHeldUpdateKeepsOtherWritersOutAndItsFunctionReadsOtherStates() throws Exception {
    PostgresStore store = node(100);
    StateRef<Long> visits = store.getState(0L, VISITS);
    StateRef<Long> lastSeen = store.getState(7L, LAST_SEEN);
    StateRef<Long> meddler = node(100).getState(0L, VISITS);
    AtomicInteger runs = new AtomicInteger();
    List<Future<?>> heldOff = new ArrayList<>();

    long result = visits.update(v -> {
      if (runs.incrementAndGet() <= 3) {
        StateValues.addLong(meddler, 1); // another node writes between every read and write
      } else {
        Future<?> add = adders.submit(() -> StateValues.addLong(meddler, 1));
        try {
          add.get(300, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          heldOff.add(add); // waits for the held row
        } catch (InterruptedException | ExecutionException e) {
          throw new AssertionError(e);
        }
      }
      return v + lastSeen.get();
    });
    heldOff.get(0).get(1, TimeUnit.MINUTES);

    assertThat(runs.get()).isEqualTo(4); // three lost, then one run while the row was held
    assertThat(heldOff).hasSize(1);
    assertThat(result).isEqualTo(3 + 7);
    assertThat(visits.get()).isEqualTo(3 + 7 + 1);
  }

  @Test
  void aWriteFromAHeldUpdatesFunctionIsRefusedAndTheUpdateGoesOnWithoutHolding() {
    PostgresStore store = node(100);
    StateRef<Long> visits = store.getState(0L, VISITS);
    StateRef<Long> lastSeen = store.getState(0L, LAST_SEEN);
    StateRef<Long> meddler = node(100).getState(0L, VISITS);
    AtomicInteger runs = new AtomicInteger();

    long result = visits.update(v -> {
      int run = runs.incrementAndGet();
      if (run <= 3) {
        StateValues.addLong(meddler, 1);
      }
      lastSeen.set((long) run); // refused in the fourth run, which holds the row: it would wait on other rows
      return v + 100;
    });

    assertThat(runs.get()).isEqualTo(5); // three lost, one refused, then one compare-and-set won
    assertThat(result).isEqualTo(103);
    assertThat(visits.get()).isEqualTo(103);
    assertThat(lastSeen.get()).isEqualTo(5);
  }

  private PostgresStore node(int updateAttempts) {
    PostgresStore node = PostgresStore.builder(TestPostgres.pool()).schema(schema)
        .updateAttempts(updateAttempts).build();
    nodes.add(node);
    return node;
  }

  /** Four threads add 1 to {@code state} as fast as they can until {@link #stopAdding()}. */
  private AtomicLong addWithoutPause(StateRef<Long> state) throws InterruptedException {
    AtomicLong added = new AtomicLong();
    CountDownLatch started = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      pending.add(adders.submit(() -> {
        started.countDown();
        while (adding.get()) {
          StateValues.addLong(state, 1);
          added.incrementAndGet();
        }
        return null;
      }));
    }
    started.await();
    return added;
  }

  private void stopAdding() throws Exception {
    adding.set(false);
    for (Future<?> future : pending) {
      future.get(1, TimeUnit.MINUTES);
    }
  }
}
