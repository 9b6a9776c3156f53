package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clients that leave cost nothing: 100,000 of them come, end or expire, and the store is as before. */
class MemoryTest {

  private static final int CLIENTS = 100_000;
  private static final int SAMPLE_EVERY = 1_000;

  private static final StateDeclaration<int[]> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "items", "$client", StateType.of(int[].class));
  private static final StateDeclaration<String> NAME =
      StateDeclaration.of("shop.Cart", "name", "name", "$client", StateType.of(String.class));
  private static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("shop.Cart", "visits", "visits", "$client", StateType.of(long.class));
  private static final StateDeclaration<String> NOTE =
      StateDeclaration.of("shop.Cart", "note", "note", "cart.$client", StateType.of(String.class));

  @Test
  void hundredThousandClientsThatEndOrExpireLeaveTheStoreAsItWas() {
    LifecycleTest.FakeClock clock = new LifecycleTest.FakeClock();
    InMemoryStore store = new InMemoryStore(StoreOptions.builder()
        .idleClientTimeout(Duration.ofMinutes(10)).clock(clock).build());
    StateRef<Long> shared = store.getState(0L, StateId.of("shop", "visits"));
    long sizeBefore = store.size();
    long heapBefore = usedHeapAfterGc();

    long clientsHeap = comeAndLeave(store, shared, clock, 0) - heapBefore;
    long retained = usedHeapAfterGc() - heapBefore;
    // A second wave of as many clients: whatever one client left behind would now be there twice.
    comeAndLeave(store, shared, clock, CLIENTS);
    long retainedAfterTwoWaves = usedHeapAfterGc() - heapBefore;

    assertThat(shared.get()).isEqualTo(2L * CLIENTS);
    System.out.printf("MemoryTest: %,d clients x 4 states took %,d bytes of heap; after they left %,d bytes"
        + " remain (%.1f%%), after a second wave %,d%n", CLIENTS, clientsHeap, retained,
        100.0 * retained / clientsHeap, retainedAfterTwoWaves);
    // What remains is the hash tables' capacity, which ConcurrentHashMap never shrinks and a second wave
    // reuses; 1% of the clients' heap is 8 bytes per client.
    assertWithMessage("heap retained after all clients left, of %s bytes the clients took", clientsHeap)
        .that(retained).isLessThan(clientsHeap / 10);
    assertWithMessage("heap a second wave of clients left behind, of %s bytes the clients took", clientsHeap)
        .that(retainedAfterTwoWaves - retained).isLessThan(clientsHeap / 100);
  }

  /**
   * {@value #CLIENTS} clients (ids from {@code first}) bind 4 states each, then half of them end and the
   * other half expire; the used heap while they were all there.
   */
  private static long comeAndLeave(InMemoryStore store, StateRef<Long> shared, LifecycleTest.FakeClock clock,
      int first) {
    long sizeBefore = store.size();
    List<WeakReference<Object>> samples = new ArrayList<>();
    for (int i = first; i < first + CLIENTS; i++) {
      StateContext ctx = StateContext.of(store).withClient("client-" + i);
      StateRef<int[]> items = ctx.bind(ITEMS, new int[] {i});
      ctx.bind(NAME, "name-" + i);
      ctx.bind(VISITS, (long) i);
      StateRef<String> note = ctx.bind(NOTE, "note-" + i);
      if (i % SAMPLE_EVERY == 0) {
        samples.add(new WeakReference<>(items));
        samples.add(new WeakReference<>(items.get()));
        samples.add(new WeakReference<>(note.subscribe(newListener())));
      }
      shared.update(v -> v + 1);
    }
    assertThat(store.size()).isEqualTo(sizeBefore + 4L * CLIENTS);
    long heapWithClients = usedHeapAfterGc();

    int ended = 0;
    for (int i = first; i < first + CLIENTS; i += 2) {
      ended += store.endClient("client-" + i);
    }
    clock.advance(Duration.ofMinutes(11));
    int expired = store.expireIdleClients(); // the odd half never came back

    assertThat(ended).isEqualTo(2 * CLIENTS);
    assertThat(expired).isEqualTo(2 * CLIENTS);
    assertThat(store.size()).isEqualTo(sizeBefore);
    assertThat(store.states().keySet()).containsExactly(StateId.of("shop", "visits"));
    for (WeakReference<Object> sample : samples) {
      SubscriptionTest.assertCollected(sample);
    }
    return heapWithClients;
  }

  private static <T> StateListener<T> newListener() {
    return new StateListener<>() {
      @Override
      public void onChange(StateChange<T> change) {}
    };
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
