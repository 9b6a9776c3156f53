package com.acme.shop;

import dev.reactserver.state.Scopes;
import dev.reactserver.state.State;
import java.util.List;

public class Basket {
  @State(scope = Scopes.CLIENT) int items;
  @State(scope = Scopes.USER) List<String> saved = List.of();
  @State(key = "sold", scope = "shop") long sold;
}
