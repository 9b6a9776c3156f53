package dev.reactserver.state.example;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The generated accessors of the example components, used the way applications use them. */
class CartStatesTest {

  private final InMemoryStore store = new InMemoryStore();
  private final StateContext server = StateContext.of(store);

  @Test
  void changeListenersHearWritesFromEveryClientThatSharesTheState() {
    CartStates laptop = CartStates.bind(server.withClient("laptop").withUser("ada"), new Cart());
    CartStates phone = CartStates.bind(server.withClient("phone").withUser("ada"), new Cart());
    List<StateChange<Long>> changes = new ArrayList<>();
    Subscription subscription = laptop.onVisitsChange(changes::add);

    phone.incrementVisits(2);
    laptop.setVisits(7);
    subscription.close();
    phone.incrementVisits(1);

    assertThat(changes).containsExactly(
        new StateChange<>(StateId.of("shop", "visits"), 0L, 2L, false),
        new StateChange<>(StateId.of("shop", "visits"), 2L, 7L, false)).inOrder();
  }

  @Test
  void endingAClientRemovesItsCartStatesOnly() {
    CartStates laptop = CartStates.bind(server.withClient("laptop").withUser("ada"), new Cart());
    laptop.incrementItems(3);
    laptop.incrementVisits(1);

    assertThat(store.endClient("laptop")).isEqualTo(1);

    assertThat(laptop.getItems()).isEqualTo(0); // the handle starts again from the initial value
    assertThat(laptop.getVisits()).isEqualTo(1);
  }

  @Test
  void clientScopedStatesAreSeparatePerClient() {
    CartStates a = CartStates.bind(server.withClient("a").withUser("u"), new Cart());
    CartStates b = CartStates.bind(server.withClient("b").withUser("u"), new Cart());
    a.setItems(a.getItems() + 1);
    assertThat(a.updateItems(n -> n * 10)).isEqualTo(10);
    assertThat(b.getItems()).isEqualTo(0);
    assertThat(a.itemsState().id()).isEqualTo(StateId.of("$client(a)", "items"));
  }

  @Test
  void userScopedStatesFollowTheUserAcrossClients() {
    CartStates laptop = CartStates.bind(server.withClient("laptop").withUser("ada"), new Cart());
    CartStates phone = CartStates.bind(server.withClient("phone").withUser("ada"), new Cart());
    CartStates bob = CartStates.bind(server.withClient("other").withUser("bob"), new Cart());
    laptop.setWishlist(List.of("tea"));
    assertThat(phone.getWishlist()).containsExactly("tea");
    assertThat(bob.getWishlist()).isEmpty();
  }

  @Test
  void componentScopedStatesBelongToOneComponentInstance() {
    StateContext ada = server.withClient("a").withUser("ada");
    StateContext bob = server.withClient("b").withUser("bob");
    CartStates adaCart1 = CartStates.bind(ada.forComponent("cart#1"), new Cart());
    CartStates bobCart1 = CartStates.bind(bob.forComponent("cart#1"), new Cart());
    CartStates adaCart2 = CartStates.bind(ada.forComponent("cart#2"), new Cart());
    adaCart1.setNote("hello");
    assertThat(bobCart1.getNote()).isEqualTo("hello");
    assertThat(adaCart2.getNote()).isEmpty();
  }

  @Test
  void globalStatesAreSharedAcrossComponentsThatDeclareTheSameScopeAndKey() {
    CartStates cart = CartStates.bind(server.withUser("u"), new Cart());
    HeaderStates header = HeaderStates.bind(server.withClient("x"), new Header());
    cart.incrementVisits(2);
    assertThat(header.incrementVisits(3)).isEqualTo(5);
    assertThat(cart.getVisits()).isEqualTo(5);
  }

  @Test
  void compositeScopesSubstituteTheClient() {
    HeaderStates a = HeaderStates.bind(server.withClient("a"), new Header());
    HeaderStates b = HeaderStates.bind(server.withClient("b"), new Header());
    a.setDark(true);
    assertThat(a.isDark()).isTrue();
    assertThat(b.isDark()).isFalse();
    assertThat(a.darkState().id()).isEqualTo(StateId.of("ui.$client(a)", "dark"));
  }

  @Test
  void theFieldValueIsTheInitialValueOnlyWhenTheStateDoesNotExistYet() {
    Cart first = new Cart();
    first.items = 3;
    CartStates bound = CartStates.bind(server.withClient("c").withUser("u"), first);
    assertThat(bound.getItems()).isEqualTo(3);
    Cart second = new Cart();
    second.items = 100;
    assertThat(CartStates.bind(server.withClient("c").withUser("u"), second).getItems()).isEqualTo(3);
  }

  @Test
  void anAnonymousVisitorBindsTheCartAndUsesEveryStateButTheUsersOwn() {
    CartStates cart = CartStates.bind(server.withClient("c"), new Cart());

    cart.incrementItems(2);
    cart.setNote("gift");
    assertThat(cart.getItems()).isEqualTo(2);
    assertThat(cart.getVisits()).isEqualTo(0);
    assertThat(store.states()).hasSize(3); // items, visits, note: no wishlist was created
    List<Executable> wishlistUses = List.of(cart::getWishlist, () -> cart.setWishlist(List.of("tea")),
        () -> cart.updateWishlist(list -> list), cart::wishlistState, () -> cart.onWishlistChange(change -> {}));
    for (Executable use : wishlistUses) {
      StateException e = assertThrows(StateException.class, use);
      assertThat(e).hasMessageThat().contains("state 'wishlist' of dev.reactserver.state.example.Cart");
      assertThat(e).hasMessageThat().contains("has no user");
    }
    assertThat(store.states()).hasSize(3);
  }

  @Test
  void bindRejectsNulls() {
    assertThrows(NullPointerException.class, () -> CartStates.bind(null, new Cart()));
    assertThrows(NullPointerException.class, () -> CartStates.bind(server.withUser("u"), null));
  }

  @Test
  void incrementAndUpdateLoseNothingWithEightThreads() throws Exception {
    int threads = 8;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String client = "client-" + t;
        futures.add(pool.submit(() -> {
          CartStates cart = CartStates.bind(server.withClient(client).withUser("u"), new Cart());
          for (int i = 0; i < perThread; i++) {
            cart.incrementVisits(1);
            cart.updateWishlist(list -> List.of(String.valueOf(list.size() + 1 < 10 ? list.size() + 1 : 0)));
          }
        }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    CartStates any = CartStates.bind(server.withUser("u"), new Cart());
    assertThat(any.getVisits()).isEqualTo((long) threads * perThread);
  }
}
