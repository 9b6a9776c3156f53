package com.acme.shop;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import java.util.List;

/** Binds the generated accessors on the module path and fails (exit 1) if anything is off. */
public final class Main {
  public static void main(String[] args) {
    if (!Main.class.getModule().isNamed()) {
      throw new AssertionError("not on the module path");
    }
    StateContext server = StateContext.of(new InMemoryStore());
    BasketStates ada = BasketStates.bind(server.withClient("c-1").withUser("ada"), new Basket());
    BasketStates visitor = BasketStates.bind(server.withClient("c-2"), new Basket());
    ada.incrementItems(2);
    ada.updateSaved(saved -> List.of("tea"));
    visitor.incrementSold(3);
    ada.incrementSold(1);
    check(ada.getItems() == 2 && visitor.getItems() == 0, "items per client");
    check(ada.getSaved().equals(List.of("tea")), "saved per user");
    check(visitor.getSold() == 4, "sold shared");
    try {
      visitor.getSaved();
      throw new AssertionError("a visitor without a user read a $user state");
    } catch (StateException expected) {
      // a $user state needs a signed-in user
    }
    System.out.println("module " + Main.class.getModule().getName() + ": items=" + ada.getItems()
        + " saved=" + ada.getSaved() + " sold=" + visitor.getSold());
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
