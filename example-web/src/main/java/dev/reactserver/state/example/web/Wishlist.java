package dev.reactserver.state.example.web;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;
import java.util.List;

/** The signed-in user's wish list, the same in every browser the user signs in on. */
public class Wishlist {

  /** What the user wishes for, oldest first. */
  @State(scope = Scopes.USER)
  List<String> wishes = List.of();
}
