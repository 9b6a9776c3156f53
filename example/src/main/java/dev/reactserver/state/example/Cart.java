package dev.reactserver.state.example;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;
import java.util.List;

/** A shopping cart component: one state of each kind of scope. */
public class Cart {

  /** How many items this client has put in; every client has its own. */
  @State(scope = Scopes.CLIENT)
  int items = 0;

  /** How often any cart was shown: one global state in the scope "shop". */
  @State(key = "visits", scope = "shop")
  long visits = 0;

  /** A note on this cart instance, shared by every client that views it. */
  @State
  String note = "";

  /** The signed-in user's wish list, following the user across clients. */
  @State(scope = Scopes.USER)
  List<String> wishlist = List.of();
}
