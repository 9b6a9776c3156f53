package dev.reactserver.state.tck;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateCodecException;
import dev.reactserver.state.runtime.StateConflictException;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreUnavailableException;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import dev.reactserver.state.runtime.spi.Types;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a store that several server nodes share must do beyond {@link StoreConformanceTest}: store
 * instances on one server (two nodes, or a node and its restart) see the same states, lose no atomic
 * write, tell each other's listeners, survive a server outage, bind in one round trip, and store typed
 * values as their declared types. Extend it with a store on a real server.
 */
public abstract class SharedStoreConformanceTest {

  /** What a test asks of a new store instance. */
  protected record Settings(Duration idleClientTimeout, boolean resetUndecodable, int updateAttempts) {
    static final Settings DEFAULT = new Settings(Duration.ofMinutes(30), false, 100);
  }

  /** Values of application types, as components declare them. */
  public record Item(String name, int quantity) {}

  /** An enum state type. */
  public enum Color { RED, GREEN }

  /** A plain JavaBean state type. */
  public static final class Address {
    private String city;
    private List<String> lines = new ArrayList<>();

    public String getCity() {
      return city;
    }

    public void setCity(String city) {
      this.city = city;
    }

    public List<String> getLines() {
      return lines;
    }

    public void setLines(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Address that && Objects.equals(city, that.city) && lines.equals(that.lines);
    }

    @Override
    public int hashCode() {
      return Objects.hash(city, lines);
    }
  }

  private static final StateDeclaration<Integer> COUNT =
      StateDeclaration.of("tck.Counter", "count", "count", "lobby", StateType.of(int.class));
  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("tck.Cart", "items", "items", "$client", StateType.of(int.class));
  private static final StateDeclaration<Integer> POINTS =
      StateDeclaration.of("tck.Cart", "points", "points", "$user", StateType.of(int.class));
  private static final StateDeclaration<Double> TOTAL =
      StateDeclaration.of("tck.Cart", "total", "total", "$component", StateType.of(double.class));
  private static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("tck.Cart", "visits", "visits", "shop", StateType.of(long.class));
  private static final StateDeclaration<Item> ITEM =
      StateDeclaration.of("tck.Shelf", "item", "item", "shelf", StateType.of(Item.class));
  private static final StateDeclaration<Color> COLOR =
      StateDeclaration.of("tck.Shelf", "color", "color", "shelf", StateType.of(Color.class));
  private static final StateDeclaration<Address> ADDRESS =
      StateDeclaration.of("tck.Shelf", "address", "address", "shelf", StateType.of(Address.class));
  private static final StateDeclaration<List<Item>> ITEM_LIST = StateDeclaration.of("tck.Shelf", "items",
      "items", "shelf", StateType.<List<Item>>ofType(Types.parameterized(List.class, Item.class)));
  private static final StateDeclaration<Map<String, List<Integer>>> PRICES = StateDeclaration.of("tck.Shelf",
      "prices", "prices", "shelf", StateType.<Map<String, List<Integer>>>ofType(
          Types.parameterized(Map.class, String.class, Types.parameterized(List.class, Integer.class))));
  private static final StateDeclaration<String> AGE_AS_TEXT =
      StateDeclaration.of("tck.Profile", "age", "age", "profiles", StateType.of(String.class));
  private static final StateDeclaration<Integer> AGE_AS_INT =
      StateDeclaration.of("tck.Profile", "age", "age", "profiles", StateType.of(int.class));

  private final List<Store> stores = new ArrayList<>();

  /**
   * Returns a new store instance on the test's server, in the namespace {@code namespace} (a key prefix,
   * a schema): instances with one namespace share their states, like the nodes of one application.
   */
  protected abstract Store newStore(String namespace, Settings settings);

  /**
   * Returns a new store instance like {@link #newStore} (default settings) that connects to the
   * server through {@code proxy} ({@code localhost:proxy.port()}) instead of directly, so that the test
   * can cut its connections alone.
   */
  protected abstract Store newStoreThrough(String namespace, TcpProxy proxy);

  /** Where the test's server listens, for a {@link TcpProxy} in front of it. */
  protected abstract InetSocketAddress serverAddress();

  /** Closes a store instance. */
  protected abstract void close(Store store);

  /** Stops the server the stores talk to, as an outage would. */
  protected abstract void stopServer();

  /** Starts the stopped server again, with the data it had. */
  protected abstract void startServer();

  /** How many requests the stores of this test have sent to the server so far. */
  protected abstract long roundTrips();

  /**
   * How many rounds of increments and updates each thread of the concurrent workloads (two nodes × four threads on one
   * state) makes; 2,500 by default. A store whose every call is a slow round trip may make fewer.
   */
  protected int workloadRounds() {
    return 2_500;
  }

  /**
   * Whether a change written on one node reaches the listeners of another; true by default. A store
   * configured without a change channel (listeners hear their own node's writes) says false: the tests
   * of the channel are then skipped, naming the reason, and the others listen on the writing node.
   */
  protected boolean tellsOtherNodes() {
    return true;
  }

  /**
   * Whether the change channel keeps what it carries while a node is cut off (a stream the node reads
   * on from where it was), so that the node is told each missed change rather than one catch-up per
   * state; false by default (pub/sub and NOTIFY lose them).
   */
  protected boolean changeChannelKeepsMissedChanges() {
    return false;
  }

  /**
   * The most round trips binding states that do not exist yet may take: 1 by default (one script or
   * statement creates and reads them); binding existing states is always one.
   */
  protected long maxRoundTripsOfAFirstBind() {
    return 1;
  }

  /** How long a listener on another node, or the recovery after an outage, may take. */
  protected Duration patience() {
    return Duration.ofSeconds(20);
  }

  private int namespaces;

  private Store node(String namespace) {
    return node(namespace, Settings.DEFAULT);
  }

  private Store node(String namespace, Settings settings) {
    Store store = newStore(namespace, settings);
    stores.add(store);
    return store;
  }

  /** A namespace no other test uses. */
  private String freshNamespace() {
    return "n" + System.nanoTime() % 1_000_000_000L + "x" + namespaces++;
  }

  @AfterEach
  void closeStores() {
    for (Store store : stores) {
      close(store);
    }
  }

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
      Store b = newStoreThrough(namespace, proxy);
      stores.add(b);
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
      Thread.sleep(300); // what else arrives now would be told twice
      assertThat(count).hasSize(counts + 1);
      assertThat(items).hasSize(2);
      assertThat(lobby).hasSize(counts + 1);
      assertThat(client).hasSize(2);
      assertThat(untouched).isEmpty();
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
    close(first);
    stores.remove(first);

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

  /**
   * Binds a component of four states (client, user, component and global scopes) in one batch, as a
   * generated {@code bind} does: {@code prepareState} each, then one {@code loadStates}.
   */
  private static List<StateRef<?>> bindFour(StateContext ctx, int items, int points, double total, long visits) {
    Store store = ctx.store();
    List<StateRef<?>> refs = List.of(store.prepareState(items, ctx.idOf(ITEMS), ITEMS),
        store.prepareState(points, ctx.idOf(POINTS), POINTS), store.prepareState(total, ctx.idOf(TOTAL), TOTAL),
        store.prepareState(visits, ctx.idOf(VISITS), VISITS));
    store.loadStates(refs);
    return refs;
  }

  private void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + patience().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + patience());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
