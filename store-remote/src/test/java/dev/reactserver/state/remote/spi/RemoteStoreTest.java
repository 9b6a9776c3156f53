package dev.reactserver.state.remote.spi;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.remote.spi.FakeRemoteStore.Channel;
import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateConflictException;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.StoreUnavailableException;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store base's retries, holds, catch-up and change delivery, on a server that is a map in this JVM
 * with injected faults: each test makes the one situation it is about happen, which a real server does
 * only by chance.
 */
class RemoteStoreTest {

  private static final StateDeclaration<Integer> COUNT =
      StateDeclaration.of("test.Counter", "count", "count", "lobby", StateType.of(int.class));
  private static final StateDeclaration<Integer> OTHER =
      StateDeclaration.of("test.Counter", "other", "other", "lobby", StateType.of(int.class));
  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("test.Cart", "items", "items", "$client", StateType.of(int.class));

  private final List<FakeRemoteStore> stores = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(FakeRemoteStore::close);
  }

  private FakeRemoteStore store(FakeRemoteStore.Builder builder) {
    FakeRemoteStore store = builder.build();
    stores.add(store);
    return store;
  }

  @Test
  void anUpdateThatLosesToAnotherNodeRunsItsFunctionAgainOnTheNewVersionAndCountsTheRetries() {
    AtomicInteger retries = new AtomicInteger();
    FakeRemoteStore store = store(FakeRemoteStore.builder().metrics(new StoreMetrics() {
      @Override
      public void updateRetried() {
        retries.incrementAndGet();
      }
    }));
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 5);
    store.loseCompareAndSets(2);
    AtomicInteger calls = new AtomicInteger();

    assertThat(count.update(value -> {
      calls.incrementAndGet();
      return value + 1;
    })).isEqualTo(6);

    assertThat(calls.get()).isEqualTo(3);
    assertThat(retries.get()).isEqualTo(2);
    assertThat(store.exclusiveUpdates.get()).isEqualTo(0);
    assertThat(count.get()).isEqualTo(6);
  }

  @Test
  void anUpdateThatLosesThreeTimesHoldsItsStateAndWrites() {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 5);
    store.loseCompareAndSets(1_000);

    assertThat(count.update(value -> value * 2)).isEqualTo(10);

    assertThat(store.exclusiveUpdates.get()).isEqualTo(1);
    assertThat(store.compareAndSets.get()).isEqualTo(3);
    assertThat(count.get()).isEqualTo(10);
  }

  @Test
  void aWriteFromAHeldUpdatesFunctionIsRefusedAndTheUpdateFinishesWithoutTheHold() {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 1);
    StateRef<Integer> other = StateContext.of(store).bind(OTHER, 0);
    store.loseCompareAndSets(3); // the third loss makes the update hold; the fourth attempt wins
    AtomicInteger refused = new AtomicInteger();

    int result = count.update(value -> {
      try {
        other.set(other.get() + 1);
      } catch (RuntimeException e) {
        refused.incrementAndGet(); // while held: the update then goes on optimistically
        throw e;
      }
      return value + 1;
    });

    assertThat(result).isEqualTo(2);
    assertThat(store.exclusiveUpdates.get()).isEqualTo(1);
    assertThat(refused.get()).isEqualTo(1);
    assertThat(count.get()).isEqualTo(2);
    assertThat(other.get()).isEqualTo(4); // the function ran four times optimistically, once held
  }

  @Test
  void anUpdateThatAlwaysLosesGivesUpAfterItsAttemptsNamingTheState() {
    FakeRemoteStore store = store(FakeRemoteStore.builder().updateAttempts(5));
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 1);
    store.loseCompareAndSets(Integer.MAX_VALUE);
    StateRef<Integer> other = StateContext.of(store).bind(OTHER, 0);

    // Its function writes another state, which is refused while it holds: so the hold cannot finish it.
    StateConflictException e = assertThrows(StateConflictException.class, () -> count.update(value -> {
      other.set(0);
      return value + 1;
    }));
    assertThat(e).hasMessageThat().contains("lobby");
    assertThat(e).hasMessageThat().contains("count");
    assertThat(store.compareAndSets.get()).isEqualTo(5);
  }

  @Test
  void aSetOfAStateDeletedElsewhereCreatesItAgain() {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 1);
    store.deleteElsewhere(count.id());

    count.set(7);

    assertThat(count.get()).isEqualTo(7);
    assertThat(store.hasState(count.id())).isTrue();
  }

  @Test
  void aCallDuringAnOutageFailsAndTheNextOneAfterItWorks() {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 1);
    store.down(true);

    assertThrows(StoreUnavailableException.class, count::get);
    assertThrows(StoreUnavailableException.class, () -> StateValues.addInt(count, 1));

    store.down(false);
    assertThat(StateValues.addInt(count, 1)).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Channel.class)
  void listenersHearEveryWriteInOrderWhicheverWayTheChannelCarriesIt(Channel channel) throws Exception {
    FakeRemoteStore store = store(FakeRemoteStore.builder().channel(channel));
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 0);
    LinkedBlockingQueue<StateChange<Integer>> heard = new LinkedBlockingQueue<>();
    count.subscribe(heard::add);

    for (int i = 1; i <= 100; i++) {
      StateValues.addInt(count, 1);
    }
    count.update(value -> value * 2);
    store.deleteState(count.id());

    for (int i = 1; i <= 100; i++) {
      StateChange<Integer> change = heard.poll(5, TimeUnit.SECONDS);
      assertThat(change.oldValue()).isEqualTo(i - 1);
      assertThat(change.newValue()).isEqualTo(i);
    }
    assertThat(heard.poll(5, TimeUnit.SECONDS).newValue()).isEqualTo(200);
    assertThat(heard.poll(5, TimeUnit.SECONDS).deleted()).isTrue();
  }

  @Test
  void afterACutChannelIsRestoredEachListenerIsToldOnceWhatItMissedAndALateMessageIsNotToldAgain()
      throws Exception {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 0);
    LinkedBlockingQueue<StateChange<Integer>> heard = new LinkedBlockingQueue<>();
    count.subscribe(heard::add);
    StateValues.addInt(count, 1);
    assertThat(heard.poll(5, TimeUnit.SECONDS).newValue()).isEqualTo(1);

    store.cutChannel();
    StateValues.addInt(count, 2);
    store.restoreChannel();

    StateChange<Integer> caughtUp = heard.poll(5, TimeUnit.SECONDS);
    assertThat(caughtUp.oldValue()).isEqualTo(1);
    assertThat(caughtUp.newValue()).isEqualTo(3);

    store.deliverMissed(); // the write's own message arrives after the catch-up told it
    StateValues.addInt(count, 1);
    StateChange<Integer> next = heard.poll(5, TimeUnit.SECONDS);
    assertThat(next.oldValue()).isEqualTo(3);
    assertThat(next.newValue()).isEqualTo(4);
    assertThat(heard).isEmpty();
  }

  @Test
  void aMalformedMessageIsIgnoredAndTheChangesAfterItAreTold() throws Exception {
    FakeRemoteStore store = store(FakeRemoteStore.builder());
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 0);
    LinkedBlockingQueue<StateChange<Integer>> heard = new LinkedBlockingQueue<>();
    count.subscribe(heard::add);

    store.receive("{not json");
    store.receive("[1, 2]");
    StateValues.addInt(count, 1);

    assertThat(heard.poll(5, TimeUnit.SECONDS).newValue()).isEqualTo(1);
  }

  @Test
  void theSweepEndsExpiredClientsAndTheirListenersHearIt() throws Exception {
    FakeRemoteStore store = store(FakeRemoteStore.builder().idleClientTimeout(Duration.ofMillis(200)));
    StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
    StateRef<Integer> count = StateContext.of(store).bind(COUNT, 1);
    LinkedBlockingQueue<StateChange<Integer>> heard = new LinkedBlockingQueue<>();
    items.subscribe(heard::add);

    store.expireClients();

    StateChange<Integer> ended = heard.poll(5, TimeUnit.SECONDS);
    assertThat(ended.deleted()).isTrue();
    assertThat(ended.oldValue()).isEqualTo(3);
    assertThat(store.states().keySet()).containsExactly(count.id());
  }

  @Test
  void changeMessagesReadBackWhatTheyWrite() {
    StateId id = StateId.of("cart.$client(c\\)1)", "items \"quoted\"");
    List<ChangeMessage> changes = List.of(ChangeMessage.written(id, "1", null, "", "java.lang.Integer"),
        ChangeMessage.deleted(id, "{\"a\":1}", "{}", "T"), ChangeMessage.scopeEnded("lobby"));
    for (ChangeMessage change : changes) {
      assertThat(ChangeMessage.parseAll(change.toJson())).containsExactly(change);
    }
    assertThat(ChangeMessage.parseAll("[" + changes.get(0).toJson() + "," + changes.get(2).toJson() + "]"))
        .containsExactly(changes.get(0), changes.get(2)).inOrder();
    assertThrows(IllegalArgumentException.class, () -> ChangeMessage.parseAll("42"));
  }
}
