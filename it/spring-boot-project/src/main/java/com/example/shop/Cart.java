package com.example.shop;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;
import java.util.List;

/** The README's Cart component. */
public class Cart {
  @State(scope = Scopes.CLIENT) int items = 0;
  @State(key = "visits", scope = "shop") long visits = 0;
  @State String note = "";
  @State(scope = Scopes.USER) List<String> wishlist = List.of();
}
