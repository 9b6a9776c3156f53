package dev.reactserver.state.example;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three clients (Ada on her laptop and phone, Bob on his laptop) view two cart instances. The output shows
 * which states each of them shares: per client, per user, per component instance, and global; which
 * changes Ada's laptop is told of (to re-render); and what leaves with a client that disconnects.
 */
public final class ExampleMain {

  private ExampleMain() {}

  /** Runs the example on the store that {@code --store=memory|redis|postgres|dynamodb} names (memory by default). */
  public static void main(String[] args) throws Exception {
    run(ExampleStore.fromArguments(args), System.out);
  }

  /** Runs the scenario on {@code choice}'s store; on a shared store, also shows a second server node. */
  static void run(ExampleStore choice, PrintStream out) throws Exception {
    try (choice) {
      Store nodeA = choice.openNode();
      out.println("store: " + nodeA);
      run(nodeA, out);
      if (choice.shared()) {
        showSecondNode(nodeA, choice.openNode(), out);
      }
    }
  }

  /** Runs the scenario on {@code store}, printing to {@code out}. */
  static void run(Store store, PrintStream out) {
    StateContext server = StateContext.of(store);
    StateContext adaLaptop = server.withClient("laptop-1").withUser("ada");
    StateContext adaPhone = server.withClient("phone-1").withUser("ada");
    StateContext bobLaptop = server.withClient("laptop-2").withUser("bob");

    CartStates adaLaptopCart = CartStates.bind(adaLaptop.forComponent("cart#1"), new Cart());
    CartStates adaPhoneCart = CartStates.bind(adaPhone.forComponent("cart#1"), new Cart());
    CartStates bobCart = CartStates.bind(bobLaptop.forComponent("cart#2"), new Cart());

    // Ada's laptop re-renders whenever her wishlist changes, from whichever client.
    List<String> rerenders = new CopyOnWriteArrayList<>();
    adaLaptopCart.onWishlistChange(change ->
        rerenders.add(change.oldValue() + " -> " + change.newValue()));

    adaLaptopCart.incrementItems(2);            // $client: only Ada's laptop
    adaPhoneCart.incrementItems(1);             // $client: only Ada's phone
    bobCart.updateItems(n -> n + 5);            // $client: only Bob's laptop

    adaLaptopCart.updateWishlist(list -> append(list, "tea"));   // $user: Ada on every client
    adaPhoneCart.updateWishlist(list -> append(list, "scarf"));
    bobCart.updateWishlist(list -> append(list, "bike"));

    adaLaptopCart.setNote("gift wrap, please");  // $component: cart#1, whoever views it

    for (CartStates cart : List.of(adaLaptopCart, adaPhoneCart, bobCart)) {
      cart.incrementVisits(1);                   // global "shop": everybody
    }
    HeaderStates header = HeaderStates.bind(bobLaptop, new Header());
    header.incrementVisits(1);                   // the very same global state, from another component
    header.setDark(true);                        // composite "ui.$client": Bob's laptop only

    out.println("reactserver-state example: three clients, two users, two cart instances");
    print(out, "Ada / laptop / cart#1", adaLaptopCart, HeaderStates.bind(adaLaptop, new Header()));
    print(out, "Ada / phone  / cart#1", adaPhoneCart, HeaderStates.bind(adaPhone, new Header()));
    print(out, "Bob / laptop / cart#2", bobCart, header);
    await(() -> rerenders.size() >= 2); // a shared store tells listeners from its delivery thread
    out.println("Ada's laptop re-rendered for her wishlist: " + rerenders);
    out.println();
    out.println("states in the store:");
    store.states().forEach((id, ref) -> out.println("  " + id.storeKey() + " = " + ref.get()));
    out.println();
    int removed = store.endClient("phone-1");
    out.println("Ada's phone disconnects: endClient(\"phone-1\") removed " + removed
        + " states; " + store.states().size() + " remain");
  }

  /**
   * A second server node (another store instance on the same Redis or PostgreSQL) sees what the first
   * wrote, and its listeners hear what the first writes next.
   */
  private static void showSecondNode(Store nodeA, Store nodeB, PrintStream out) {
    StateContext adaOnB = StateContext.of(nodeB).withClient("laptop-1").withUser("ada");
    CartStates cartOnB = CartStates.bind(adaOnB.forComponent("cart#1"), new Cart());
    List<String> heard = new CopyOnWriteArrayList<>();
    cartOnB.onVisitsChange(change -> heard.add(change.oldValue() + " -> " + change.newValue()));

    CartStates cartOnA = CartStates.bind(
        StateContext.of(nodeA).withClient("laptop-2").withUser("bob").forComponent("cart#2"), new Cart());
    cartOnA.incrementVisits(1);
    await(() -> !heard.isEmpty());

    out.println();
    out.println("node B, a second store instance on the same server: Ada's wishlist=" + cartOnB.getWishlist()
        + ", visits=" + cartOnB.getVisits() + "; heard visits " + heard + " written on node A");
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static void print(PrintStream out, String who, CartStates cart, HeaderStates header) {
    out.printf("%s: items=%d ($client)  wishlist=%s ($user)  note=\"%s\" ($component)"
            + "  visits=%d (shop)  dark=%s (ui.$client)%n",
        who, cart.getItems(), cart.getWishlist(), cart.getNote(), cart.getVisits(), header.isDark());
  }

  private static List<String> append(List<String> list, String item) {
    List<String> copy = new ArrayList<>(list);
    copy.add(item);
    return List.copyOf(copy);
  }
}
