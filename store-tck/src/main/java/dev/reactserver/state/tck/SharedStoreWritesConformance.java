package dev.reactserver.state.tck;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateCodecException;
import dev.reactserver.state.runtime.StateConflictException;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.time.Duration;
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
import org.junit.jupiter.api.Test;

/**
 * The numbers, updates and codecs of {@link SharedStoreConformanceTest}: atomic adds across their range,
 * updates that keep losing to another node (and then hold their state), and values stored as one type
 * read as another. Extend {@link SharedStoreConformanceTest}, not this class.
 */
public abstract class SharedStoreWritesConformance extends SharedStoreFixture {

  // ---- numbers ----

  @Test
  void incrementsWrapOnOverflowLikeTheInMemoryStore() {
    Store store = node(freshNamespace());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, Integer.MAX_VALUE);
    StateRef<Long> visits = StateContext.of(store).bind(VISITS, Long.MAX_VALUE);

    assertThat(StateValues.addInt(count, 1)).isEqualTo(Integer.MIN_VALUE);
    assertThat(StateValues.addLong(visits, 2)).isEqualTo(Long.MIN_VALUE + 1);
    assertThat(count.get()).isEqualTo(Integer.MIN_VALUE);
    assertThat(visits.get()).isEqualTo(Long.MIN_VALUE + 1);
  }

  @Test
  void doublesAddOnTheServerAndEveryNodeReadsTheSum() {
    String namespace = freshNamespace();
    StateRef<Double> total = StateContext.of(node(namespace)).forComponent("cart#1").bind(TOTAL, 0.1);

    assertThat(StateValues.addDouble(total, 0.2)).isEqualTo(0.1 + 0.2);
    assertThat(StateValues.addDouble(total, -1.5)).isEqualTo(0.1 + 0.2 - 1.5);
    assertThat(StateContext.of(node(namespace)).forComponent("cart#1").bind(TOTAL, 0.0).get())
        .isEqualTo(0.1 + 0.2 - 1.5);
  }

  @Test
  void longsAddExactlyAcrossTheirWholeRange() {
    Store store = node(freshNamespace());
    long exactDoubles = 1L << 53; // where a double (a Lua number, a JSON number in many parsers) stops being exact
    StateRef<Long> visits = StateContext.of(store).bind(VISITS, exactDoubles - 2);

    assertThat(StateValues.addLong(visits, 1)).isEqualTo(exactDoubles - 1);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(exactDoubles);
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(exactDoubles + 1);
    assertThat(StateValues.addLong(visits, 2)).isEqualTo(exactDoubles + 3);
    visits.set(Long.MAX_VALUE - 5);
    assertThat(StateValues.addLong(visits, 3)).isEqualTo(Long.MAX_VALUE - 2);
    visits.set(Long.MIN_VALUE + 5);
    assertThat(StateValues.addLong(visits, -3)).isEqualTo(Long.MIN_VALUE + 2);
    visits.set(3L);
    assertThat(StateValues.addLong(visits, (1L << 60) + 1)).isEqualTo((1L << 60) + 4);
    assertThat(visits.get()).isEqualTo((1L << 60) + 4);
  }

  @Test
  void addingToANullValueNamesTheState() {
    Store store = node(freshNamespace());
    StateRef<Integer> boxed = store.getState(null, StateId.of("lobby", "count"));
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 0);

    StateException e = assertThrows(StateException.class, () -> StateValues.addInt(count, 1));

    assertThat(e).hasMessageThat().contains("lobby:count");
    assertThat(boxed.get()).isNull();
  }

  @Test
  void anUpdateThatKeepsLosingGivesUpWithAClearException() {
    String namespace = freshNamespace();
    Store store = node(namespace, new Settings(Duration.ofMinutes(30), false, 3));
    Store other = node(namespace);
    StateRef<Long> visits = StateContext.of(store).bind(VISITS, 0L);
    StateRef<Long> meddler = StateContext.of(other).bind(VISITS, 0L);

    StateConflictException e = assertThrows(StateConflictException.class,
        () -> visits.update(v -> {
          StateValues.addLong(meddler, 1); // another node writes between every read and write
          return v + 100;
        }));

    assertThat(e).hasMessageThat().contains("shop:visits");
    assertThat(e).hasMessageThat().contains("3 attempts");
    assertThat(visits.get()).isEqualTo(3L);
  }

  // ---- updates that keep losing hold their state ----

  @Test
  void anUpdateGetsItsTurnWhileAnotherNodeAddsWithoutPause() throws Exception {
    String namespace = freshNamespace();
    StateRef<Long> visits = StateContext.of(node(namespace, new Settings(Duration.ofMinutes(30), false, 5)))
        .bind(VISITS, 0L);
    StateRef<Long> adding = StateContext.of(node(namespace)).bind(VISITS, 0L);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong added = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> adders = new ArrayList<>();
    try {
      CountDownLatch started = new CountDownLatch(4);
      for (int t = 0; t < 4; t++) {
        adders.add(pool.submit(() -> {
          started.countDown();
          while (!stop.get()) {
            StateValues.addLong(adding, 1);
            added.incrementAndGet();
          }
          return null;
        }));
      }
      started.await();
      for (int i = 0; i < 40; i++) {
        visits.update(v -> v + 1_000_000_000L); // five attempts: the third loses, then the state is held
      }
    } finally {
      stop.set(true);
      for (Future<?> adder : adders) {
        adder.get(1, TimeUnit.MINUTES);
      }
      pool.shutdownNow();
    }

    assertThat(added.get()).isGreaterThan(0L);
    assertThat(visits.get()).isEqualTo(40 * 1_000_000_000L + added.get());
  }

  @Test
  void aHeldUpdateKeepsOtherWritersOutAndItsFunctionReadsOtherStates() throws Exception {
    Contest contest = contest(7);
    StateRef<Long> visits = contest.visits();
    StateRef<Integer> count = contest.count();
    StateRef<Long> meddler = contest.meddler();
    AtomicInteger runs = new AtomicInteger();
    List<Future<?>> heldOff = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      long result = visits.update(v -> {
        if (runs.incrementAndGet() <= 3) {
          StateValues.addLong(meddler, 1); // another node writes between every read and write
        } else {
          Future<?> add = pool.submit(() -> StateValues.addLong(meddler, 1));
          try {
            add.get(300, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            heldOff.add(add); // waits for the held state
          } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
          }
        }
        return v + count.get();
      });
      assertThat(heldOff).hasSize(1);
      heldOff.get(0).get(1, TimeUnit.MINUTES);

      assertThat(runs.get()).isEqualTo(4); // three lost, then one run while the state was held
      assertThat(result).isEqualTo(3 + 7);
      assertThat(visits.get()).isEqualTo(3 + 7 + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWriteFromAHeldUpdatesFunctionIsRefusedAndTheUpdateGoesOnWithoutHolding() {
    Contest contest = contest(0);
    StateRef<Long> visits = contest.visits();
    StateRef<Integer> count = contest.count();
    StateRef<Long> meddler = contest.meddler();
    AtomicInteger runs = new AtomicInteger();

    long result = visits.update(v -> {
      int run = runs.incrementAndGet();
      if (run <= 3) {
        StateValues.addLong(meddler, 1);
      }
      count.set(run); // refused in the fourth run, which holds the state: it could wait on another hold
      return v + 100;
    });

    assertThat(runs.get()).isEqualTo(5); // three lost, one refused, then one compare-and-set won
    assertThat(result).isEqualTo(103L);
    assertThat(visits.get()).isEqualTo(103L);
    assertThat(count.get()).isEqualTo(5);
  }

  /** Two states on one node, and another node's handle on the first: it writes between reads and writes. */
  private record Contest(StateRef<Long> visits, StateRef<Integer> count, StateRef<Long> meddler) {}

  private Contest contest(int count) {
    String namespace = freshNamespace();
    StateContext ctx = StateContext.of(node(namespace));
    return new Contest(ctx.bind(VISITS, 0L), ctx.bind(COUNT, count),
        StateContext.of(node(namespace)).bind(VISITS, 0L));
  }

  // ---- codecs ----

  @Test
  void aValueStoredAsAnotherTypeFailsNamingBothTypes() {
    String namespace = freshNamespace();
    StateContext.of(node(namespace)).bind(AGE_AS_TEXT, "forty-two");
    Store newVersion = node(namespace);

    StateCodecException e = assertThrows(StateCodecException.class,
        () -> StateContext.of(newVersion).bind(AGE_AS_INT, 0));

    assertThat(e.id()).isEqualTo(StateId.of("profiles", "age"));
    assertThat(e.storedType()).isEqualTo("java.lang.String");
    assertThat(e.expectedType()).isEqualTo("java.lang.Integer");
    assertThat(e).hasMessageThat().contains("profiles:age");
  }

  @Test
  void aStoreConfiguredToResetStartsAnUndecodableStateFromItsInitialValue() {
    String namespace = freshNamespace();
    StateContext.of(node(namespace)).bind(AGE_AS_TEXT, "forty-two");
    Store newVersion = node(namespace, new Settings(Duration.ofMinutes(30), true, 100));

    StateRef<Integer> age = StateContext.of(newVersion).bind(AGE_AS_INT, 18);

    assertThat(age.get()).isEqualTo(18);
    assertThat(StateValues.addInt(age, 1)).isEqualTo(19);
  }

  @Test
  void aFieldWhoseNewTypeStillReadsTheValueKeepsIt() {
    String namespace = freshNamespace();
    StateContext.of(node(namespace)).bind(AGE_AS_INT, 42);
    StateDeclaration<Long> ageAsLong =
        StateDeclaration.of("tck.Profile", "age", "age", "profiles", StateType.of(long.class));

    StateRef<Long> age = StateContext.of(node(namespace)).bind(ageAsLong, 0L);

    assertThat(age.get()).isEqualTo(42L);
  }
}
