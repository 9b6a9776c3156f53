package dev.reactserver.state.example;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;

/** The page header: shares the "shop" visit counter with {@link Cart} and keeps a per-client theme. */
public class Header {

  /** The same state as {@code Cart.visits}: same scope, same key, same type. */
  @State(key = "visits", scope = "shop")
  long visits = 0;

  /** Dark mode, per client, inside the composite scope "ui.$client". */
  @State(scope = "ui." + Scopes.CLIENT)
  boolean dark = false;
}
