package dev.reactserver.state.spring;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;
import java.util.List;

/** A component with a state of each kind the starter resolves: client, user, global. */
public class Shop {

  @State(scope = Scopes.CLIENT)
  int items = 0;

  @State(scope = Scopes.USER)
  List<String> wishlist = List.of();

  @State(key = "visits", scope = "shop")
  long visits = 0;
}
