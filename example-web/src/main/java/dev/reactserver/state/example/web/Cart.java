package dev.reactserver.state.example.web;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;

/** Each browser's own cart: one copy per connecting client. */
public class Cart {

  /** How many items this browser has put in. */
  @State(scope = Scopes.CLIENT)
  int items = 0;
}
