package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import dev.reactserver.state.runtime.spi.ResolvedScopes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link RemoteStore} on a map in this JVM, for testing the store base without a server: every
 * primitive is atomic (one monitor), every write publishes its change on a channel the test can cut and
 * restore, and faults can be injected: an outage, compare-and-sets lost to another node.
 */
final class FakeRemoteStore extends RemoteStore {

  /** How changes travel: as the JSON text a script would publish, or as values. */
  enum Channel { TEXT, VALUES }

  private record Row(String value, long version, String declaration, String type, List<String> owners,
      long idleMillis, long expiresAt) {

    Row with(String newValue) {
      return new Row(newValue, version + 1, declaration, type, owners, idleMillis, expiresAt);
    }

    StoredState stored(StateId id) {
      return new StoredState(id, value, version, declaration, type);
    }
  }

  private final Map<StateId, Row> rows = new LinkedHashMap<>();
  private final Channel channel;
  private final List<ChangeMessage> missed = new ArrayList<>();
  private boolean cut;
  private volatile boolean down;
  private final AtomicInteger compareAndSetsToLose = new AtomicInteger();
  final AtomicInteger compareAndSets = new AtomicInteger();
  final AtomicInteger exclusiveUpdates = new AtomicInteger();

  static final class Builder extends RemoteStoreBuilder<Builder> {
    Channel channel = Channel.VALUES;

    Builder channel(Channel channel) {
      this.channel = channel;
      return this;
    }

    FakeRemoteStore build() {
      return new FakeRemoteStore(this);
    }

    @Override
    protected Builder self() {
      return this;
    }
  }

  private FakeRemoteStore(Builder builder) {
    super(builder, "fake");
    this.channel = builder.channel;
    startSweeping();
  }

  static Builder builder() {
    return new Builder();
  }

  // ---- faults ----

  /** While down, every primitive fails as a server that does not answer does. */
  void down(boolean down) {
    this.down = down;
  }

  /** The next {@code n} compare-and-sets lose, as if another node had written just before each. */
  void loseCompareAndSets(int n) {
    compareAndSetsToLose.set(n);
  }

  /** Cuts the change channel: changes published from now on are kept back, not delivered. */
  synchronized void cutChannel() {
    cut = true;
  }

  /** Restores the channel, as a reconnect does; what was kept back stays missed. */
  void restoreChannel() {
    synchronized (this) {
      cut = false;
    }
    changeChannelRestored();
  }

  /** Delivers the changes kept back while the channel was cut, late, as a slow channel would. */
  synchronized void deliverMissed() {
    missed.forEach(this::deliver);
    missed.clear();
  }

  /** Deletes a state behind the store's back, as another node would (publishing the deletion). */
  synchronized void deleteElsewhere(StateId id) {
    Row row = rows.remove(id);
    if (row != null) {
      publish(ChangeMessage.deleted(id, row.value, row.declaration, row.type));
    }
  }

  /** Expires every client state at once, as if its client had been idle for long. */
  synchronized void expireClients() {
    rows.replaceAll((id, row) -> row.idleMillis > 0
        ? new Row(row.value, row.version, row.declaration, row.type, row.owners, row.idleMillis, 1) : row);
  }

  // ---- the primitives ----

  @Override
  protected synchronized List<StoredState> load(List<StateSeed> seeds, List<String> touchClients, long idleMillis) {
    call();
    List<StoredState> states = new ArrayList<>(seeds.size());
    for (StateSeed seed : seeds) {
      Row row = rows.computeIfAbsent(seed.id(), id -> new Row(seed.initial(), 1, seed.declaration(), seed.type(),
          seed.owners(), seed.idleMillis(), expiry(seed.idleMillis())));
      states.add(row.stored(seed.id()));
    }
    for (String client : touchClients) {
      touch(client, idleMillis);
    }
    return states;
  }

  @Override
  protected synchronized String value(StateId id) {
    call();
    Row row = rows.get(id);
    return row == null ? null : row.value;
  }

  @Override
  protected synchronized StoredState state(StateId id) {
    call();
    Row row = rows.get(id);
    return row == null ? null : row.stored(id);
  }

  @Override
  protected synchronized Written set(StateId id, String value) {
    write("write " + id);
    return rows.containsKey(id) ? put(id, value) : null;
  }

  @Override
  protected synchronized CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    write("update " + id);
    compareAndSets.incrementAndGet();
    Row row = rows.get(id);
    if (row == null) {
      return CompareAndSetResult.lost(null);
    }
    if (compareAndSetsToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      rows.put(id, row.with(row.value)); // another node rewrote it; its message is still on the way
      return CompareAndSetResult.lost(null);
    }
    return row.version == version ? CompareAndSetResult.wrote(put(id, value))
        : CompareAndSetResult.lost(row.stored(id));
  }

  @Override
  protected synchronized Written add(StateId id, NumberKind kind, String delta) {
    write("add to " + id);
    Row row = rows.get(id);
    if (row == null) {
      return null;
    }
    if (kind == NumberKind.DOUBLE || !row.value.matches("-?[0-9]{1,19}")) {
      return Written.NOT_ADDED;
    }
    BigInteger sum = new BigInteger(row.value).add(new BigInteger(delta));
    BigInteger min = BigInteger.valueOf(kind == NumberKind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE);
    BigInteger max = BigInteger.valueOf(kind == NumberKind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE);
    return sum.compareTo(min) < 0 || sum.compareTo(max) > 0 ? Written.NOT_ADDED : put(id, sum.toString());
  }

  @Override
  protected CompareAndSetResult updateExclusively(StateId id, UnaryOperator<String> next) {
    exclusiveUpdates.incrementAndGet();
    synchronized (this) { // held: no other writer of this store gets in while the function runs
      write("update " + id);
      Row row = rows.get(id);
      if (row == null) {
        return CompareAndSetResult.lost(null);
      }
      String value = HeldUpdates.apply(next, row.value, null);
      return value == null ? CompareAndSetResult.lost(null) : CompareAndSetResult.wrote(put(id, value));
    }
  }

  @Override
  protected synchronized Written createOrSet(StateSeed seed) {
    write("create " + seed.id());
    if (!rows.containsKey(seed.id())) {
      rows.put(seed.id(), new Row(seed.initial(), 1, seed.declaration(), seed.type(), seed.owners(),
          seed.idleMillis(), expiry(seed.idleMillis())));
      return null;
    }
    return put(seed.id(), seed.initial());
  }

  @Override
  protected synchronized boolean exists(StateId id) {
    call();
    return rows.containsKey(id);
  }

  @Override
  protected synchronized boolean delete(StateId id) {
    write("delete " + id);
    Row row = rows.remove(id);
    if (row != null) {
      publish(ChangeMessage.deleted(id, row.value, row.declaration, row.type));
    }
    return row != null;
  }

  @Override
  protected synchronized int deleteStatesIn(String scope) {
    write("delete scope " + scope);
    return deleteAndEnd(id -> id.scope().equals(scope), Set.of(scope));
  }

  @Override
  protected synchronized List<StoredState> list(String scope) {
    call();
    List<StoredState> states = new ArrayList<>();
    rows.forEach((id, row) -> {
      if (scope == null || id.scope().equals(scope)) {
        states.add(row.stored(id));
      }
    });
    return states;
  }

  @Override
  protected synchronized int endOwner(String owner) {
    write("end " + owner);
    return deleteAndEnd(id -> rows.get(id).owners.contains(owner), Set.of());
  }

  @Override
  protected synchronized void touch(String client, long idleMillis) {
    write("touch " + client);
    rows.replaceAll((id, row) -> row.owners.contains(client) && row.idleMillis > 0
        ? new Row(row.value, row.version, row.declaration, row.type, row.owners, row.idleMillis,
            expiry(idleMillis)) : row);
  }

  @Override
  protected synchronized boolean redeclare(StateId id, long version, String declaration, String type, String value) {
    write("declare " + id);
    Row row = rows.get(id);
    if (row == null || row.version != version) {
      return false;
    }
    rows.put(id, new Row(row.value, row.version, declaration, type, row.owners, row.idleMillis, row.expiresAt));
    if (value != null) {
      put(id, value);
    }
    return true;
  }

  @Override
  protected synchronized void sweepExpiredClients() {
    call();
    long now = System.currentTimeMillis();
    deleteAndEnd(id -> {
      Row row = rows.get(id);
      return row.expiresAt > 0 && row.expiresAt < now
          && row.owners.stream().anyMatch(ResolvedScopes::isClient);
    }, Set.of());
  }

  @Override
  protected void closeServer() {}

  @Override
  public String toString() {
    return "FakeRemoteStore";
  }

  // ---- the server's side ----

  private void call() {
    if (down) {
      throw StoreMessages.unavailable("the fake server", "a call", new java.io.IOException("connection refused"));
    }
  }

  private void write(String what) {
    HeldUpdates.refuseWrite(what);
    call();
  }

  private Written put(StateId id, String value) {
    Row old = rows.get(id);
    Row row = old.with(value);
    rows.put(id, row);
    publish(ChangeMessage.written(id, old.value, value, row.declaration, row.type));
    return new Written(old.value, value, row.version);
  }

  private int deleteAndEnd(java.util.function.Predicate<StateId> which, Set<String> endedScopes) {
    Set<String> scopes = new LinkedHashSet<>(endedScopes);
    int deleted = 0;
    for (StateId id : List.copyOf(rows.keySet())) {
      if (which.test(id)) {
        Row row = rows.remove(id);
        publish(ChangeMessage.deleted(id, row.value, row.declaration, row.type));
        scopes.add(id.scope());
        deleted++;
      }
    }
    scopes.forEach(scope -> publish(ChangeMessage.scopeEnded(scope)));
    return deleted;
  }

  private void publish(ChangeMessage change) {
    if (cut) {
      missed.add(change);
    } else {
      deliver(change);
    }
  }

  private void deliver(ChangeMessage change) {
    if (channel == Channel.TEXT) {
      receive(change.toJson());
    } else {
      receive(change);
    }
  }

  private long expiry(long idleMillis) {
    return idleMillis > 0 ? System.currentTimeMillis() + idleMillis : 0;
  }
}
