package dev.reactserver.state.tck;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreUnavailableException;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a store that several server nodes share must do beyond {@link StoreConformanceTest}: store
 * instances on one server (two nodes, or a node and its restart) see the same states, lose no atomic
 * write, tell each other's listeners, survive a server outage, bind in one round trip, and store typed
 * values as their declared types. Extend it with a store on a real server.
 */
public abstract class SharedStoreConformanceTest extends SharedStoreWritesConformance {

  // ---- several nodes ----

  @Test
  void twoNodesLoseNoIncrementOrUpdate() throws Exception {
    String namespace = freshNamespace();
    List<Store> nodes = List.of(node(namespace), node(namespace));
    int threadsPerNode = 4;
    int perThread = workloadRounds();
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    try {
      CyclicBarrier start = new CyclicBarrier(nodes.size() * threadsPerNode);
      List<Future<?>> done = new ArrayList<>();
      for (Store node : nodes) {
        StateRef<Long> visits = StateContext.of(node).bind(VISITS, 0L);
        for (int t = 0; t < threadsPerNode; t++) {
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              StateValues.addLong(visits, 1);
              visits.update(v -> v + 2);
            }
            return null;
          }));
        }
      }
      for (Future<?> future : done) {
        future.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    long expected = 3L * nodes.size() * threadsPerNode * perThread;
    for (Store node : nodes) {
      assertThat(StateContext.of(node).bind(VISITS, 0L).get()).isEqualTo(expected);
    }
  }

  @Test
  void aChangeOnOneNodeReachesTheListenersOfAnother() {
    assumeTrue(tellsOtherNodes(), "this store is configured without a change channel between nodes");
    String namespace = freshNamespace();
    Store a = node(namespace);
    Store b = node(namespace);
    StateRef<Integer> onB = StateContext.of(b).bind(COUNT, 0);
    List<StateChange<Integer>> stateChanges = new CopyOnWriteArrayList<>();
    List<StateChange<Object>> scopeChanges = new CopyOnWriteArrayList<>();
    onB.subscribe(stateChanges::add);
    b.subscribe("lobby", scopeChanges::add);

    StateRef<Integer> onA = StateContext.of(a).bind(COUNT, 0);
    onA.set(5);
    StateValues.addInt(onA, 2);
    a.deleteState(onA.id());

    StateId id = onA.id();
    await(() -> scopeChanges.size() == 3);
    assertThat(stateChanges).containsExactly(new StateChange<>(id, 0, 5, false),
        new StateChange<>(id, 5, 7, false), new StateChange<>(id, 7, null, true)).inOrder();
    assertThat(scopeChanges).containsExactly(new StateChange<>(id, 0, 5, false),
        new StateChange<>(id, 5, 7, false), new StateChange<>(id, 7, null, true)).inOrder();
  }

  @Test
  void aNodeStartedAfterOthersWroteHearsWhatIsWrittenNext() {
    assumeTrue(tellsOtherNodes(), "this store is configured without a change channel between nodes");
    String namespace = freshNamespace();
    Store a = node(namespace);
    StateRef<Integer> onA = StateContext.of(a).bind(COUNT, 0);
    for (int i = 1; i <= 20; i++) {
      onA.set(i);
    }
    Store late = node(namespace);
    List<StateChange<Integer>> heard = new CopyOnWriteArrayList<>();
    StateContext.of(late).bind(COUNT, 0).subscribe(heard::add);

    onA.set(21);

    await(() -> !heard.isEmpty());
    assertThat(heard).containsExactly(new StateChange<>(onA.id(), 20, 21, false));
  }

  @Test
  void aNodeWhoseChangeChannelWasCutIsToldWhatItMissedOnceItIsBack() throws InterruptedException {
    assumeTrue(tellsOtherNodes(), "this store is configured without a change channel between nodes");
    String namespace = freshNamespace();
    Store a = node(namespace);
    try (TcpProxy proxy = TcpProxy.to(serverAddress())) {
      Store b = nodeThrough(namespace, proxy);
      StateRef<Integer> countOnB = StateContext.of(b).bind(COUNT, 0);
      StateRef<Integer> itemsOnB = StateContext.of(b).withClient("c1").bind(ITEMS, 0);
      StateRef<Integer> untouchedOnB = StateContext.of(b).withClient("c2").bind(ITEMS, 0);
      List<StateChange<Integer>> count = new CopyOnWriteArrayList<>();
      List<StateChange<Integer>> items = new CopyOnWriteArrayList<>();
      List<StateChange<Integer>> untouched = new CopyOnWriteArrayList<>();
      List<StateChange<Object>> lobby = new CopyOnWriteArrayList<>();
      List<StateChange<Object>> client = new CopyOnWriteArrayList<>();
      countOnB.subscribe(count::add);
      itemsOnB.subscribe(items::add);
      untouchedOnB.subscribe(untouched::add);
      b.subscribe("lobby", lobby::add);
      b.subscribe(StateContext.of(b).withClient("c1").resolveScope("$client"), client::add);
      StateRef<Integer> countOnA = StateContext.of(a).bind(COUNT, 0);
      StateRef<Integer> itemsOnA = StateContext.of(a).withClient("c1").bind(ITEMS, 0);
      countOnA.set(1);
      itemsOnA.set(7);
      await(() -> count.size() == 1 && items.size() == 1 && lobby.size() == 1 && client.size() == 1);

      proxy.cut(); // B's connections drop, and B cannot reconnect
      countOnA.set(2);
      countOnA.set(3);
      a.endClient("c1");
      proxy.restore();

      StateId countId = countOnA.id();
      StateId itemsId = itemsOnA.id();
      // A channel that keeps what it carries (a stream) tells each missed change; one that loses them
      // tells each state's catch-up, once.
      List<StateChange<Integer>> missedCounts = changeChannelKeepsMissedChanges()
          ? List.of(new StateChange<>(countId, 1, 2, false), new StateChange<>(countId, 2, 3, false))
          : List.of(new StateChange<>(countId, 1, 3, false));
      int counts = 1 + missedCounts.size();
      await(() -> count.size() == counts && items.size() == 2 && lobby.size() == counts && client.size() == 2);
      assertThat(count.subList(1, counts)).isEqualTo(missedCounts);
      assertThat(items.get(1)).isEqualTo(new StateChange<>(itemsId, 7, null, true));
      assertThat(lobby.subList(1, counts)).isEqualTo(missedCounts);
      assertThat(client.get(1)).isEqualTo(new StateChange<Object>(itemsId, 7, null, true));
      countOnA.set(4); // and the channel goes on
      await(() -> count.size() == counts + 1 && lobby.size() == counts + 1);
      assertThat(count.get(counts)).isEqualTo(new StateChange<>(countId, 3, 4, false));
      assertThat(lobby.get(counts)).isEqualTo(new StateChange<Object>(countId, 3, 4, false));
      for (int i = 0; i < 20; i++) {
        assertThat(countOnB.get()).isEqualTo(4); // no connection that failed is handed out again
      }
      // Markers: once they arrive, what the channel carried before them was told (in order, per state);
      // a change told twice, or a catch-up of the untouched state, would come before them.
      countOnA.set(5);
      StateContext.of(a).withClient("c2").bind(ITEMS, 0).set(1);
      await(() -> count.size() > counts + 1 && lobby.size() > counts + 1 && !untouched.isEmpty());
      assertThat(count.subList(counts + 1, count.size())).containsExactly(new StateChange<>(countId, 4, 5, false));
      assertThat(lobby.subList(counts + 1, lobby.size()))
          .containsExactly(new StateChange<Object>(countId, 4, 5, false));
      assertThat(untouched).containsExactly(new StateChange<>(untouchedOnB.id(), 0, 1, false));
      assertThat(items).hasSize(2); // its listeners ended with the client: nothing more can reach them
      assertThat(client).hasSize(2);
    }
  }

  @Test
  void endingAClientOnOneNodeRemovesItsStatesForEveryNode() {
    String namespace = freshNamespace();
    Store a = node(namespace);
    Store b = node(namespace);
    StateRef<Integer> items = StateContext.of(a).withClient("c1").bind(ITEMS, 3);

    assertThat(b.endClient("c1")).isEqualTo(1);

    assertThat(a.hasState(items.id())).isFalse();
  }

  @Test
  void aNewStoreOnTheSameServerFindsEveryValue() {
    String namespace = freshNamespace();
    Store first = node(namespace);
    StateContext ctx = StateContext.of(first).withClient("c1").withUser("ada").forComponent("cart#1");
    bindFour(ctx, 1, 2, 3.5, 4L);
    Item item = new Item("pen", 3);
    Address address = new Address();
    address.setCity("Lyon");
    address.setLines(List.of("1 rue de la Paix"));
    StateContext.of(first).bind(ITEM, null).set(item);
    StateContext.of(first).bind(COLOR, Color.RED).set(Color.GREEN);
    StateContext.of(first).bind(ADDRESS, null).set(address);
    StateContext.of(first).bind(ITEM_LIST, List.of()).set(List.of(item, new Item("ink", 1)));
    StateContext.of(first).bind(PRICES, Map.of()).set(Map.of("pen", List.of(1, 2)));
    first.getState(0L, StateId.of("raw", "long")).set(Long.MAX_VALUE);
    closeNode(first);

    Store restarted = node(namespace);
    StateContext again = StateContext.of(restarted).withClient("c1").withUser("ada").forComponent("cart#1");
    List<StateRef<?>> four = bindFour(again, 0, 0, 0.0, 0L);
    assertThat(four.stream().map(StateRef::get).toList()).containsExactly(1, 2, 3.5, 4L).inOrder();
    assertThat(StateContext.of(restarted).bind(ITEM, null).get()).isEqualTo(item);
    assertThat(StateContext.of(restarted).bind(COLOR, Color.RED).get()).isEqualTo(Color.GREEN);
    assertThat(StateContext.of(restarted).bind(ADDRESS, null).get()).isEqualTo(address);
    assertThat(StateContext.of(restarted).bind(ITEM_LIST, List.of()).get())
        .containsExactly(item, new Item("ink", 1)).inOrder();
    assertThat(StateContext.of(restarted).bind(PRICES, Map.of()).get()).isEqualTo(Map.of("pen", List.of(1, 2)));
    assertThat(restarted.getState(0L, StateId.of("raw", "long")).get()).isEqualTo(Long.MAX_VALUE);
    assertThat(restarted.states()).hasSize(10);
  }

  // ---- round trips ----

  @Test
  void bindingAComponentAndAddingAreOneRoundTripEach() {
    Store store = node(freshNamespace());
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("ada").forComponent("cart#1");

    long before = roundTrips();
    List<StateRef<?>> four = bindFour(ctx, 1, 2, 3.0, 4L);
    long firstBind = roundTrips() - before;
    before = roundTrips();
    bindFour(ctx, 0, 0, 0.0, 0L);
    long secondBind = roundTrips() - before;
    before = roundTrips();
    @SuppressWarnings("unchecked")
    long sum = StateValues.addLong((StateRef<Long>) four.get(3), 10);
    long add = roundTrips() - before;
    before = roundTrips();
    Object value = four.get(0).get();
    long get = roundTrips() - before;

    assertThat(firstBind).isAtMost(maxRoundTripsOfAFirstBind());
    assertThat(secondBind).isEqualTo(1);
    assertThat(sum).isEqualTo(14L);
    assertThat(add).isEqualTo(1);
    assertThat(value).isEqualTo(1);
    assertThat(get).isEqualTo(1);
  }

  @Test
  void anAnonymousBindSkipsTheUserStatesWithoutAnExtraRoundTrip() {
    Store store = node(freshNamespace());
    StateContext anonymous = StateContext.of(store).withClient("c1").forComponent("cart#1");

    long before = roundTrips();
    List<StateRef<?>> four = bindFour(anonymous, 1, 2, 3.0, 4L);
    long bind = roundTrips() - before;
    before = roundTrips();
    assertThrows(StateException.class, () -> four.get(1).get());
    long refusedRead = roundTrips() - before;

    assertThat(bind).isAtMost(maxRoundTripsOfAFirstBind());
    assertThat(refusedRead).isEqualTo(0);
    assertThat(four.get(0).get()).isEqualTo(1);
    assertThat(store.states().keySet()).doesNotContain(
        StateId.of(anonymous.withUser("ada").resolveScope("$user"), "points"));
    assertThat(store.states()).hasSize(3);
  }

  // ---- expiry and outages ----

  @Test
  void idleClientStatesExpireOnTheServerAndTouchedOnesStay() throws InterruptedException {
    Duration timeout = Duration.ofSeconds(2);
    Store store = node(freshNamespace(), new Settings(timeout, false, 100));
    StateRef<Integer> idle = StateContext.of(store).withClient("idle").bind(ITEMS, 1);
    StateRef<Integer> busy = StateContext.of(store).withClient("busy").bind(ITEMS, 2);
    StateRef<Integer> global = StateContext.of(store).bind(COUNT, 3);

    long end = System.nanoTime() + timeout.multipliedBy(2).toNanos();
    while (System.nanoTime() < end) {
      store.touchClient("busy");
      Thread.sleep(timeout.toMillis() / 10);
    }
    await(() -> !store.hasState(idle.id()));

    assertThat(store.hasState(busy.id())).isTrue();
    assertThat(store.hasState(global.id())).isTrue();
  }

  @Test
  void idleExpiryIsHeardByTheListenersOfEveryNodeAndTouchedClientsStay() throws InterruptedException {
    Duration timeout = Duration.ofSeconds(1);
    String namespace = freshNamespace();
    Store nodeA = node(namespace, new Settings(timeout, false, 100));
    Store nodeB = tellsOtherNodes() ? node(namespace, new Settings(timeout, false, 100)) : nodeA;
    StateRef<Integer> idleOnA = StateContext.of(nodeA).withClient("idle").bind(ITEMS, 1);
    StateRef<Integer> busyOnA = StateContext.of(nodeA).withClient("busy").bind(ITEMS, 2);
    idleOnA.set(5);
    List<StateChange<Object>> heardOnB = new CopyOnWriteArrayList<>();
    nodeB.subscribe(idleOnA.id().scope(), heardOnB::add);

    long end = System.nanoTime() + timeout.multipliedBy(3).toNanos();
    while (System.nanoTime() < end && heardOnB.stream().noneMatch(StateChange::deleted)) {
      nodeA.touchClient("busy");
      Thread.sleep(timeout.toMillis() / 10);
    }
    await(() -> heardOnB.stream().anyMatch(StateChange::deleted));

    assertThat(heardOnB).contains(new StateChange<>(idleOnA.id(), 5, null, true));
    assertThat(nodeB.hasState(idleOnA.id())).isFalse();
    assertThat(nodeB.hasState(busyOnA.id())).isTrue();
  }

  @Test
  void idsOfTenKilobytesWorkOnEveryNodeAndExpireNextToOrdinaryClients() throws InterruptedException {
    Duration timeout = Duration.ofSeconds(1);
    String namespace = freshNamespace();
    Store nodeA = node(namespace, new Settings(timeout, false, 100));
    Store nodeB = tellsOtherNodes() ? node(namespace, new Settings(timeout, false, 100)) : nodeA;
    Random random = new Random(13);
    String longClient = incompressible(random, 10_000);
    String longKey = incompressible(random, 10_000);
    StateDeclaration<Integer> longKeyed =
        StateDeclaration.of("tck.Cart", "long", longKey, "$client", StateType.of(int.class));

    StateContext onA = StateContext.of(nodeA).withClient(longClient);
    StateRef<Integer> items = onA.bind(ITEMS, 1);
    StateRef<Integer> keyed = onA.bind(longKeyed, 10);
    List<StateChange<Integer>> heardOnB = new CopyOnWriteArrayList<>();
    List<StateChange<Object>> scopeHeardOnB = new CopyOnWriteArrayList<>();
    StateContext.of(nodeB).withClient(longClient).bind(longKeyed, 10).subscribe(heardOnB::add);
    nodeB.subscribe(items.id().scope(), scopeHeardOnB::add);
    items.set(2);
    items.update(v -> v + 3);
    StateValues.addInt(keyed, 5);

    await(() -> heardOnB.size() == 1 && scopeHeardOnB.size() == 3);
    assertThat(heardOnB).containsExactly(new StateChange<>(keyed.id(), 10, 15, false));
    assertThat(StateContext.of(nodeB).withClient(longClient).bind(ITEMS, 0).get()).isEqualTo(5);
    assertThat(nodeB.statesIn(items.id().scope()).keySet()).containsExactly("items", longKey);
    assertThat(nodeA.endClient(longClient)).isEqualTo(2);
    await(() -> scopeHeardOnB.stream().filter(StateChange::deleted).count() == 2);

    StateRef<Integer> expiring = StateContext.of(nodeA).withClient(incompressible(random, 10_000)).bind(ITEMS, 7);
    StateRef<Integer> ordinary = StateContext.of(nodeA).withClient("ordinary").bind(ITEMS, 8);
    List<StateChange<Object>> expiryHeardOnB = new CopyOnWriteArrayList<>();
    nodeB.subscribe(expiring.id().scope(), expiryHeardOnB::add);
    nodeB.subscribe(ordinary.id().scope(), expiryHeardOnB::add);
    await(() -> expiryHeardOnB.size() == 2);
    assertThat(expiryHeardOnB).containsExactly(new StateChange<>(expiring.id(), 7, null, true),
        new StateChange<>(ordinary.id(), 8, null, true));
    assertThat(nodeB.hasState(expiring.id())).isFalse();
    assertThat(nodeB.hasState(ordinary.id())).isFalse();
  }

  /** {@code length} random printable ASCII characters (as many bytes), which compression barely shrinks. */
  private static String incompressible(Random random, int length) {
    return random.ints(length, '!', '~' + 1)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  @Test
  void duringAnOutageCallsFailFastAndAfterItEveryValueIsBack() {
    Store store = node(freshNamespace());
    StateContext ctx = StateContext.of(store).withClient("c1").withUser("ada").forComponent("cart#1");
    List<StateRef<?>> four = bindFour(ctx, 1, 2, 3.5, 4L);
    @SuppressWarnings("unchecked")
    StateRef<Long> visits = (StateRef<Long>) four.get(3);

    stopServer();
    try {
      assertThrows(StoreUnavailableException.class, visits::get);
      assertThrows(StoreUnavailableException.class, () -> StateValues.addLong(visits, 1));
      assertThrows(StoreUnavailableException.class, () -> bindFour(ctx, 0, 0, 0.0, 0L));
    } finally {
      startServer();
    }

    await(() -> {
      try {
        return visits.get() != null;
      } catch (StoreUnavailableException e) {
        return false;
      }
    });
    assertThat(bindFour(ctx, 0, 0, 0.0, 0L).stream().map(StateRef::get).toList())
        .containsExactly(1, 2, 3.5, 4L).inOrder();
    assertThat(StateValues.addLong(visits, 1)).isEqualTo(5L);
  }
}
