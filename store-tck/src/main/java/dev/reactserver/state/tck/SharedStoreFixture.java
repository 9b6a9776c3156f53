package dev.reactserver.state.tck;



import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.Types;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;

/**
 * What the shared-store conformance suites need of a store and its server: new store instances on one
 * server, a proxy to cut one alone, the server stopped and started, round trips counted, and settings
 * for slow servers. Extend {@link SharedStoreConformanceTest}, which holds every test.
 */
public abstract class SharedStoreFixture {

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

  static final StateDeclaration<Integer> COUNT =
      StateDeclaration.of("tck.Counter", "count", "count", "lobby", StateType.of(int.class));
  static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("tck.Cart", "items", "items", "$client", StateType.of(int.class));
  static final StateDeclaration<Integer> POINTS =
      StateDeclaration.of("tck.Cart", "points", "points", "$user", StateType.of(int.class));
  static final StateDeclaration<Double> TOTAL =
      StateDeclaration.of("tck.Cart", "total", "total", "$component", StateType.of(double.class));
  static final StateDeclaration<Long> VISITS =
      StateDeclaration.of("tck.Cart", "visits", "visits", "shop", StateType.of(long.class));
  static final StateDeclaration<Item> ITEM =
      StateDeclaration.of("tck.Shelf", "item", "item", "shelf", StateType.of(Item.class));
  static final StateDeclaration<Color> COLOR =
      StateDeclaration.of("tck.Shelf", "color", "color", "shelf", StateType.of(Color.class));
  static final StateDeclaration<Address> ADDRESS =
      StateDeclaration.of("tck.Shelf", "address", "address", "shelf", StateType.of(Address.class));
  static final StateDeclaration<List<Item>> ITEM_LIST = StateDeclaration.of("tck.Shelf", "items",
      "items", "shelf", StateType.<List<Item>>ofType(Types.parameterized(List.class, Item.class)));
  static final StateDeclaration<Map<String, List<Integer>>> PRICES = StateDeclaration.of("tck.Shelf",
      "prices", "prices", "shelf", StateType.<Map<String, List<Integer>>>ofType(
          Types.parameterized(Map.class, String.class, Types.parameterized(List.class, Integer.class))));
  static final StateDeclaration<String> AGE_AS_TEXT =
      StateDeclaration.of("tck.Profile", "age", "age", "profiles", StateType.of(String.class));
  static final StateDeclaration<Integer> AGE_AS_INT =
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

  Store node(String namespace) {
    return node(namespace, Settings.DEFAULT);
  }

  Store node(String namespace, Settings settings) {
    Store store = newStore(namespace, settings);
    stores.add(store);
    return store;
  }

  /** A node connected through {@code proxy}, closed after the test. */
  Store nodeThrough(String namespace, TcpProxy proxy) {
    Store store = newStoreThrough(namespace, proxy);
    stores.add(store);
    return store;
  }

  /** Closes a node before the test ends, as a node that stops does. */
  void closeNode(Store store) {
    close(store);
    stores.remove(store);
  }

  /** A namespace no other test uses. */
  String freshNamespace() {
    return "n" + System.nanoTime() % 1_000_000_000L + "x" + namespaces++;
  }

  @AfterEach
  void closeStores() {
    for (Store store : stores) {
      close(store);
    }
  }

  /**
   * Binds a component of four states (client, user, component and global scopes) in one batch, as a
   * generated {@code bind} does: {@code prepareState} each state the context may use, then one
   * {@code loadStates}; a user state in a context without a user is bound as a handle that refuses use.
   */
  static List<StateRef<?>> bindFour(StateContext ctx, int items, int points, double total, long visits) {
    List<StateRef<?>> prepared = new ArrayList<>();
    List<StateRef<?>> refs = List.of(prepare(ctx, ITEMS, items, prepared), prepare(ctx, POINTS, points, prepared),
        prepare(ctx, TOTAL, total, prepared), prepare(ctx, VISITS, visits, prepared));
    ctx.store().loadStates(prepared);
    return refs;
  }

  private static <T> StateRef<T> prepare(StateContext ctx, StateDeclaration<T> declaration, T initial,
      List<StateRef<?>> prepared) {
    if (!ctx.hasUserFor(declaration)) {
      return ctx.bind(declaration, initial); // creates nothing, sends nothing
    }
    StateRef<T> ref = ctx.store().prepareState(initial, ctx.idOf(declaration), declaration);
    prepared.add(ref);
    return ref;
  }

  /** Waits until {@code condition} holds, at most {@link #patience()}. */
  void await(BooleanSupplier condition) {
    Awaitility.await().atMost(patience()).until(condition::getAsBoolean);
  }
}
